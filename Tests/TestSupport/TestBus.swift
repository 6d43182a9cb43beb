import AMQPTransport
import Foundation
import Logging
import MessageBus

/// Starts a `MessageBus` on the test broker for the span of `body`, then closes it.
public func withBus<T: Sendable>(
    topology: Topology, instance: String = uniqueName("test"), _ body: (MessageBus) async throws -> T
) async throws -> T {
    let bus = MessageBus(configuration: TestEnvironment.amqp, topology: topology, instance: instance, logger: TestEnvironment.logger(instance))
    bus.publisher.start()
    bus.consumer.start()
    do {
        guard await eventually(timeout: .seconds(30), { bus.isReady }) else { throw TestFailure("bus did not connect") }
        let result = try await body(bus)
        await bus.publisher.close()
        await bus.consumer.close()
        return result
    } catch {
        await bus.publisher.close()
        await bus.consumer.close()
        throw error
    }
}

/// Receives everything delivered to `queue` (acknowledging it) into a list tests can inspect.
public final class Collector: Sendable {
    private let box = LockedBox<[Delivery]>([])

    public init(queue: String, connection: AMQPConnection) {
        connection.consume(ConsumerSpec(source: .queue(queue), prefetch: 100) { [box] delivery in
            box.mutate { $0.append(delivery) }
            connection.ack(delivery)
        })
    }

    public var deliveries: [Delivery] { box.value }
}

public struct TestFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
