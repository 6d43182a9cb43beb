import AMQPTransport
import Contracts
import Foundation
import Logging
import MessageBus
import Persistence
import PostgresNIO
import ServiceLifecycle
import ServiceRuntime
import Testing
import TestSupport

/// SIGTERM's path (graceful shutdown of the `ServiceGroup`) against the real broker and database.
@Suite(.serialized, .integration) struct GracefulShutdownTests {
    @Test func shutdownMidStreamLosesNoAcknowledgedWork() async throws {
        let logger = TestEnvironment.logger("shutdown")
        let queue = uniqueName("test.work")
        let type = MessageType("test.\(queue).v1")
        var topology = PlatformTopology.make(subscriptions: [:])
        topology.add(queue: queue, kind: .quorum(deliveryLimit: 5))
        topology.bindings.append(.init(queue: queue, exchange: PlatformTopology.eventsExchange, routingKey: type.rawValue))
        let total = 200

        try await TestDatabase.with { database in
            try await database.transaction { connection in
                try await connection.query("CREATE TABLE effects (message_id text PRIMARY KEY)", logger: logger)
            }
            @Sendable func effects() async throws -> Int {
                try await database.count("SELECT count(*) FROM effects")
            }
            var handlers = TransactionalEventHandlers()
            handlers.register(type) { message, transaction in
                try await Task.sleep(for: .milliseconds(15))
                try await transaction.query("INSERT INTO effects (message_id) VALUES (\(message.messageID))")
            }
            let wrapped = handlers.eventHandlers(database: database)

            func runWorker(until stop: () async throws -> Bool) async throws {
                let bus = MessageBus(configuration: TestEnvironment.amqp, topology: topology, instance: uniqueName("worker"), logger: logger)
                let consumer = EventConsumer.consumer(queue: queue, handlers: wrapped, bus: bus, prefetch: 10, logger: logger)
                let group = ServiceGroup(configuration: .init(services: bus.services + [consumer], logger: logger))
                try await withThrowingTaskGroup(of: Void.self) { tasks in
                    tasks.addTask { try await group.run() }
                    while try await !stop() { try await Task.sleep(for: .milliseconds(20)) }
                    await group.triggerGracefulShutdown()
                    try await tasks.waitForAll()
                }
            }

            try await withBus(topology: topology) { bus in
                let events = (0..<total).map { index in
                    EventEnvelope(type: type, correlationID: nil, traceparent: nil, body: Data("{\"n\":\(index)}".utf8))
                }
                #expect(await bus.publish(events).allSatisfy { $0 == nil })

                // First worker: stopped (as by SIGTERM) while it is busy.
                try await runWorker { try await effects() >= 40 }
                let done = try await effects()
                #expect(done < total, "the shutdown came mid-stream")
                // Everything committed was acknowledged, everything else is back in the queue.
                #expect(await eventually { (try? await bus.publisher.status(of: queue).messages) == total - done })

                // A second worker finishes the rest: every event has its effect exactly once.
                try await runWorker { try await effects() == total }
                #expect(try await effects() == total)
                #expect(await eventually { (try? await bus.publisher.status(of: queue).messages) == 0 })
                try await bus.publisher.delete(queue: queue)
                try await bus.publisher.delete(queue: queue + ".dlq")
            }
        }
    }
}
