import AMQPTransport
import Contracts
import Foundation
import Logging
import MessageBus
import ServiceLifecycle

/// Baseline B's server: the services' own request path (a `QueueConsumer` on a classic queue bound
/// to `expo.rpc`, `RPCServer.handle`, a reply on the publishing connection) with a handler that
/// answers with the request's body: the broker hop and nothing else.
enum EchoServer {
    static let queue = "bench.echo.rpc"
    static let type: MessageType = "bench.echo.v1"
    /// The services' default `EXPO_RPC_PREFETCH`.
    static let prefetch: UInt16 = 32

    static var topology: Topology {
        var topology = Topology(exchanges: [.init(name: PlatformTopology.rpcExchange, kind: .direct),
                                            .init(name: PlatformTopology.deadLetterExchange, kind: .direct)])
        topology.add(queue: queue, kind: .classic)
        topology.bindings.append(.init(queue: queue, exchange: PlatformTopology.rpcExchange, routingKey: type.rawValue))
        return topology
    }

    static func run(amqp: AMQPConfiguration, logger: Logger) async throws {
        let bus = MessageBus(configuration: amqp, topology: topology, instance: "bench-echo", logger: logger)
        var echo = RPCHandlers()
        echo.register(type) { context in context.message.body }
        let handlers = echo
        let consumer = QueueConsumer(
            queue: queue, prefetch: prefetch, connection: bus.consumer, publisher: bus.publisher,
            deadLetterExchange: PlatformTopology.deadLetterExchange, logger: logger
        ) { delivery in
            await RPCServer.handle(delivery, handlers: handlers, bus: bus, queue: queue, logger: logger)
        }
        try await ServiceGroup(configuration: .init(
            services: bus.services + [consumer], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)).run()
    }
}
