import AMQPTransport
import Contracts
import Foundation
import Logging
import MessageBus
import ServiceLifecycle
import Synchronization

/// Pings every backend over the broker every few seconds and remembers the answers, so
/// `/health/ready` can say which services are there without waiting on them.
public final class ServiceHealthMonitor: Service, Sendable {
    public struct ServiceState: Codable, Sendable, Equatable {
        public var state: String
        public var instance: String?
        public var lastAnswerAt: Date?
        public var error: String?
    }

    public struct Report: Codable, Sendable {
        public var ready: Bool
        public var broker: Bool
        public var services: [String: ServiceState]
    }

    private let bus: MessageBus
    private let interval: Duration
    private let logger: Logger
    private let states = Mutex<[ServiceName: ServiceState]>([:])

    public init(bus: MessageBus, interval: Duration = .seconds(2), logger: Logger) {
        self.bus = bus
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await self.pingAll()
                try? await Task.sleep(for: self.interval)
            }
        }
    }

    /// Ready: the broker is reachable and every service answered ready within the last 10 seconds.
    public func report() -> Report {
        let now = Date()
        let states = states.withLock { $0 }
        var services: [String: ServiceState] = [:]
        for service in ServiceName.backends {
            var state = states[service] ?? ServiceState(state: "unknown")
            if state.state == "ready", let at = state.lastAnswerAt, now.timeIntervalSince(at) > 10 { state.state = "stale" }
            services[service.rawValue] = state
        }
        let broker = bus.isReady
        return Report(ready: broker && services.values.allSatisfy { $0.state == "ready" }, broker: broker, services: services)
    }

    func pingAll() async {
        await withTaskGroup(of: (ServiceName, ServiceState).self) { group in
            for service in ServiceName.backends {
                group.addTask { (service, await self.ping(service)) }
            }
            for await (service, state) in group {
                let previous = states.withLock { states in
                    defer { states[service] = state }
                    return states[service]?.state
                }
                if previous != nil, previous != state.state {
                    logger.info("service state changed", metadata: ["service": "\(service.rawValue)", "state": "\(state.state)"])
                }
            }
        }
    }

    private func ping(_ service: ServiceName) async -> ServiceState {
        do {
            let reply = try await bus.call(.ping(service), body: MessageCodec.encode(Ping()), context: MessageContext(), timeout: .seconds(2))
            let pong = try reply.decode(Pong.self)
            return ServiceState(state: pong.ready ? "ready" : "starting", instance: pong.instance, lastAnswerAt: Date())
        } catch let error as AMQPError {
            return ServiceState(state: "unreachable", error: error.code.description)
        } catch {
            return ServiceState(state: "unreachable", error: "\(error)")
        }
    }
}
