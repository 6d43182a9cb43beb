import Contracts
import Foundation
import Hummingbird
import MessageBus

/// The platform's state for operators, on the gateway's ops port only: the public port answers
/// ready or not and nothing more, so no outsider learns instance names, versions or uptimes or
/// makes the gateway ping a backend on every request.
///
/// - `GET /health/platform`: every service's last known state (from `ServiceHealthMonitor`).
/// - `GET /health/services/{service}`: one backend pinged now; its `Pong` says which replica
///   answered, its version and uptime, and whether its own dependencies are usable.
struct PlatformHealth: Sendable {
    let bus: MessageBus
    let monitor: ServiceHealthMonitor
    let timeout: Duration

    func addRoutes(to router: Router<BasicRequestContext>) {
        router.get("/health/platform") { _, _ -> Response in
            let report = monitor.report()
            return Self.json(try MessageCodec.encode(report), status: report.ready ? .ok : .serviceUnavailable)
        }
        router.get("/health/services/:service") { request, context -> Response in
            let name = context.parameters.get("service") ?? ""
            guard let service = ServiceName(rawValue: name), service != .gateway else {
                return ProblemMiddleware.response(Problem.notFound("no service named '\(name)'"), instance: request.uri.path)
            }
            do {
                let reply = try await bus.call(
                    .ping(service), body: MessageCodec.encode(Ping()), context: MessageContext(correlationID: UUID().uuidString),
                    timeout: timeout)
                return Self.json(reply.body, status: .ok)
            } catch {
                return ProblemMiddleware.response(ProblemMiddleware.problem(for: error), instance: request.uri.path)
            }
        }
    }

    private static func json(_ body: Data, status: HTTPResponse.Status) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
