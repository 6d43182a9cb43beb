import Hummingbird
import Logging
import Prometheus

/// The per-process operations endpoint: `/health/live`, `/health/ready` and Prometheus `/metrics`.
public enum OpsServer {
    /// A readiness answer: overall, plus named checks for the body.
    public struct Readiness: Sendable, Codable, ResponseEncodable {
        public var ready: Bool
        public var checks: [String: Bool]
        public var instance: String

        public init(ready: Bool, checks: [String: Bool], instance: String) {
            self.ready = ready
            self.checks = checks
            self.instance = instance
        }
    }

    /// `routes` adds a process's own operator-only routes (the gateway's view of the platform).
    public static func application(
        host: String, port: Int, metrics: PrometheusCollectorRegistry?, logger: Logger,
        routes: (Router<BasicRequestContext>) -> Void = { _ in },
        readiness: @escaping @Sendable () async -> Readiness
    ) -> some ApplicationProtocol {
        let router = Router()
        addRoutes(to: router, metrics: metrics, readiness: readiness)
        routes(router)
        return Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: "expo-ops"), logger: logger)
    }

    private static func addRoutes(
        to router: Router<BasicRequestContext>, metrics: PrometheusCollectorRegistry?,
        readiness: @escaping @Sendable () async -> Readiness
    ) {
        router.get("/health/live") { _, _ in ["status": "live"] }
        router.get("/health/ready") { _, _ -> EditedResponse<Readiness> in
            let answer = await readiness()
            return EditedResponse(status: answer.ready ? .ok : .serviceUnavailable, response: answer)
        }
        if let metrics {
            router.get("/metrics") { _, _ in
                Response(
                    status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                    body: .init(byteBuffer: ByteBuffer(bytes: metrics.emitToBuffer())))
            }
        }
    }
}
