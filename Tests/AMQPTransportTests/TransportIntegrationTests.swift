import AMQPTransport
import Foundation
import Testing
import TestSupport

/// Against the real broker of `deploy/stack test`.
@Suite(.serialized, .integration) struct TransportIntegrationTests {
    /// A topology of fresh queues for one test.
    struct Fixture {
        let requests = uniqueName("test.rpc")
        let events = uniqueName("test.events")
        var topology: Topology {
            var topology = Topology(exchanges: [
                .init(name: "expo.rpc", kind: .direct), .init(name: "expo.events", kind: .topic),
                .init(name: "expo.dlx", kind: .direct),
            ])
            topology.queues = [
                .init(name: requests, kind: .classic, deadLetter: ("expo.dlx", requests)),
                .init(name: events, kind: .quorum(deliveryLimit: 3), deadLetter: ("expo.dlx", events)),
                .init(name: events + ".dlq", kind: .quorum(deliveryLimit: 1000)),
            ]
            topology.bindings = [
                .init(queue: requests, exchange: "expo.rpc", routingKey: requests),
                .init(queue: events, exchange: "expo.events", routingKey: "test.thing-happened.v1." + events),
                .init(queue: events + ".dlq", exchange: "expo.dlx", routingKey: events),
            ]
            return topology
        }

        func cleanUp(_ connection: AMQPConnection) async {
            for queue in [requests, events, events + ".dlq"] { try? await connection.delete(queue: queue) }
        }
    }

    /// Runs `body` with a connected publisher and consumer for a fresh fixture, then deletes its
    /// queues and closes both.
    func withConnections(
        heartbeatSeconds: Int? = nil, _ body: (Fixture, AMQPConnection, AMQPConnection) async throws -> Void
    ) async throws {
        let fixture = Fixture()
        let logger = TestEnvironment.logger("transport-test")
        var configuration = TestEnvironment.amqp
        if let heartbeatSeconds { configuration.heartbeatSeconds = heartbeatSeconds }
        let publisher = AMQPConnection(configuration: configuration, role: .publisher, topology: fixture.topology, name: "test", logger: logger)
        let consumer = AMQPConnection(configuration: configuration, role: .consumer, topology: fixture.topology, name: "test", logger: logger)
        publisher.start()
        consumer.start()
        #expect(await eventually { publisher.isConnected && consumer.isConnected })
        do {
            try await body(fixture, publisher, consumer)
        } catch {
            await fixture.cleanUp(publisher)
            await publisher.close()
            await consumer.close()
            throw error
        }
        await fixture.cleanUp(publisher)
        await publisher.close()
        await consumer.close()
    }

    /// An echo server on the fixture's request queue, as a service would run it.
    func startEcho(_ fixture: Fixture, publisher: AMQPConnection, consumer: AMQPConnection, delay: Duration = .zero) -> Task<Void, any Error> {
        let echo = QueueConsumer(
            queue: fixture.requests, prefetch: 10, connection: consumer, publisher: publisher, deadLetterExchange: "expo.dlx",
            logger: TestEnvironment.logger("echo")
        ) { delivery in
            if delay > .zero { try? await Task.sleep(for: delay) }
            var properties = MessageProperties(correlationID: delivery.properties.correlationID)
            properties.headers[RPCClient.inReplyToHeader] = .string(delivery.properties.messageID ?? "")
            try? await publisher.publish(
                OutgoingMessage(exchange: "", routingKey: delivery.properties.replyTo ?? "", body: Data("echo:".utf8) + delivery.body, properties: properties),
                confirm: false)
            return .ack
        }
        return Task { try await echo.run() }
    }

    @Test func rpcRoundTrip() async throws {
        try await withConnections { fixture, publisher, consumer in
            let echo = startEcho(fixture, publisher: publisher, consumer: consumer)
            let client = RPCClient(publisher: publisher, consumer: consumer, exchange: "expo.rpc")
            #expect(await eventually { client.isReady })

            let replies = try await withThrowingTaskGroup(of: String.self) { group in
                for index in 0..<50 {
                    group.addTask {
                        let reply = try await client.call(
                            routingKey: fixture.requests, body: Data("\(index)".utf8), properties: MessageProperties(correlationID: "c\(index)"),
                            timeout: .seconds(10))
                        #expect(reply.properties.correlationID == "c\(index)")
                        return String(decoding: reply.body, as: UTF8.self)
                    }
                }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
            #expect(replies == Set((0..<50).map { "echo:\($0)" }))
            echo.cancel()
        }
    }

    @Test func rpcTimeoutIsATypedErrorAndTheRequestExpires() async throws {
        try await withConnections { fixture, publisher, consumer in
            let client = RPCClient(publisher: publisher, consumer: consumer, exchange: "expo.rpc")
            #expect(await eventually { client.isReady })

            let started = ContinuousClock.now
            await #expect {
                _ = try await client.call(routingKey: fixture.requests, body: Data(), properties: MessageProperties(), timeout: .milliseconds(300))
            } throws: { error in
                (error as? AMQPError)?.code == .rpcTimeout
            }
            #expect(ContinuousClock.now - started < .seconds(5))
            // The deadline is also the message's TTL: nobody will process the stale request later.
            #expect(await eventually { (try? await publisher.status(of: fixture.requests).messages) == 0 })
        }
    }

    @Test func confirmedPersistentEventsSurviveABrokerRestart() async throws {
        try await withConnections { fixture, publisher, consumer in
            let messages = (0..<200).map { index in
                OutgoingMessage(
                    exchange: "expo.events", routingKey: "test.thing-happened.v1." + fixture.events, body: Data("event \(index)".utf8),
                    properties: MessageProperties(messageID: "m\(index)", persistent: true))
            }
            let outcomes = await publisher.publishBatch(messages)
            #expect(outcomes.allSatisfy { $0 == nil }, "every event confirmed")

            try BrokerControl.stopApp()
            try BrokerControl.startApp()
            #expect(await eventually(timeout: .seconds(60)) { publisher.isConnected && consumer.isConnected })

            let collector = Collector(queue: fixture.events, connection: consumer)
            #expect(await eventually { collector.deliveries.count == 200 })
            #expect(Set(collector.deliveries.map { String(decoding: $0.body, as: UTF8.self) }) == Set((0..<200).map { "event \($0)" }))
            #expect(collector.deliveries.allSatisfy { $0.properties.persistent })
        }
    }

    @Test func reconnectsRedeclaresAndResumesAfterTheBrokerRestarts() async throws {
        try await withConnections { fixture, publisher, consumer in
            let echo = startEcho(fixture, publisher: publisher, consumer: consumer, delay: .seconds(30))
            let client = RPCClient(publisher: publisher, consumer: consumer, exchange: "expo.rpc")
            #expect(await eventually { client.isReady })

            // An RPC in flight when the broker goes away fails at once, not at its 60 s deadline.
            let inFlight = Task {
                try await client.call(routingKey: fixture.requests, body: Data("slow".utf8), properties: MessageProperties(), timeout: .seconds(60))
            }
            try await Task.sleep(for: .milliseconds(300))
            let stopped = ContinuousClock.now
            try BrokerControl.stopApp()
            await #expect(throws: AMQPError.self) { _ = try await inFlight.value }
            #expect(ContinuousClock.now - stopped < .seconds(15))

            // While the broker is away, calls and publishes fail fast.
            await #expect {
                _ = try await client.call(routingKey: fixture.requests, body: Data(), properties: MessageProperties(), timeout: .seconds(30))
            } throws: { error in
                (error as? AMQPError)?.code == .notConnected || (error as? AMQPError)?.code == .connectionLost
            }

            try BrokerControl.startApp()
            #expect(await eventually(timeout: .seconds(60)) { publisher.isConnected && consumer.isConnected && client.isReady })
            echo.cancel()
            // The consumer is attached again and the RPC path works with a fresh reply queue.
            let fast = startEcho(fixture, publisher: publisher, consumer: consumer)
            let reply = try await client.call(routingKey: fixture.requests, body: Data("again".utf8), properties: MessageProperties(), timeout: .seconds(10))
            #expect(String(decoding: reply.body, as: UTF8.self) == "echo:again")
            fast.cancel()
        }
    }

    @Test func aHungBrokerIsNoticedByHeartbeatsAndInFlightCallsFail() async throws {
        try await withConnections(heartbeatSeconds: 1) { fixture, publisher, consumer in
            let client = RPCClient(publisher: publisher, consumer: consumer, exchange: "expo.rpc")
            #expect(await eventually { client.isReady })
            let inFlight = Task {
                try await client.call(routingKey: fixture.requests, body: Data(), properties: MessageProperties(), timeout: .seconds(60))
            }
            try await Task.sleep(for: .milliseconds(200))
            try BrokerControl.stack("broker", "freeze")
            let frozen = ContinuousClock.now
            // The sockets stay open; only the missing heartbeats tell that the broker is gone.
            await #expect(throws: AMQPError.self) { _ = try await inFlight.value }
            #expect(ContinuousClock.now - frozen < .seconds(15))
            #expect(await eventually(timeout: .seconds(15)) { !consumer.isConnected })
            try BrokerControl.stack("broker", "thaw")
            #expect(await eventually(timeout: .seconds(60)) { publisher.isConnected && consumer.isConnected && client.isReady })
        }
    }

    @Test func poisonMessageIsDeadLetteredWithItsReasonAndConsumingGoesOn() async throws {
        try await withConnections { fixture, publisher, consumer in
            let attempts = LockedBox(0)
            let handled = LockedBox<[String]>([])
            let worker = QueueConsumer(
                queue: fixture.events, prefetch: 5, connection: consumer, publisher: publisher, deadLetterExchange: "expo.dlx",
                logger: TestEnvironment.logger("poison")
            ) { delivery in
                let body = String(decoding: delivery.body, as: UTF8.self)
                guard body != "poison" else {
                    attempts.mutate { $0 += 1 }
                    return delivery.previousDeliveries + 1 >= 3 ? .deadLetter(reason: "cannot digest poison") : .requeue
                }
                handled.mutate { $0.append(body) }
                return .ack
            }
            let running = Task { try await worker.run() }
            for body in ["good 1", "poison", "good 2"] {
                try await publisher.publish(
                    OutgoingMessage(exchange: "expo.events", routingKey: "test.thing-happened.v1." + fixture.events, body: Data(body.utf8),
                                    properties: MessageProperties(messageID: body, persistent: true)),
                    confirm: true)
            }
            let parked = Collector(queue: fixture.events + ".dlq", connection: consumer)
            #expect(await eventually { parked.deliveries.count == 1 })
            #expect(await eventually { Set(handled.value) == ["good 1", "good 2"] })
            #expect(attempts.value == 3)
            let dead = try #require(parked.deliveries.first)
            #expect(String(decoding: dead.body, as: UTF8.self) == "poison")
            #expect(dead.properties.headers[QueueConsumer.reasonHeader]?.string == "cannot digest poison")

            // The consumer is still alive after parking the poison.
            try await publisher.publish(
                OutgoingMessage(exchange: "expo.events", routingKey: "test.thing-happened.v1." + fixture.events, body: Data("good 3".utf8),
                                properties: MessageProperties(persistent: true)),
                confirm: true)
            #expect(await eventually { handled.value.contains("good 3") })
            running.cancel()
        }
    }
}
