import AMQPTransport
import Contracts
import Foundation
import MessageBus
import Persistence
import PostgresNIO
import Testing
import TestSupport

/// The outbox, relay, inbox and idempotency keys against the real database and broker.
@Suite(.serialized, .integration) struct OutboxTests {
    let logger = TestEnvironment.logger("outbox-test")

    /// A topology with one queue receiving `type` events.
    func topology(queue: String, type: MessageType) -> Topology {
        var topology = PlatformTopology.make(subscriptions: [:])
        topology.add(queue: queue, kind: .quorum(deliveryLimit: 5))
        topology.bindings.append(.init(queue: queue, exchange: PlatformTopology.eventsExchange, routingKey: type.rawValue))
        return topology
    }

    /// Runs `body` with a migrated schema, a bus and a fresh queue receiving events of `type`;
    /// deletes the queue afterwards.
    func withOutbox(_ body: (Database, MessageBus, String, MessageType) async throws -> Void) async throws {
        let queue = uniqueName("test.outbox")
        let type = MessageType("test.\(queue).v1")
        try await TestDatabase.with { database in
            try await withBus(topology: topology(queue: queue, type: type)) { bus in
                try await body(database, bus, queue, type)
                try await bus.publisher.delete(queue: queue)
            }
        }
    }

    func event(_ type: MessageType, _ text: String) -> EventEnvelope {
        EventEnvelope(type: type, correlationID: "corr-\(text)", traceparent: nil, body: Data("{\"text\":\"\(text)\"}".utf8))
    }

    @Test func relayPublishesExactlyWhatCommitted() async throws {
        try await withOutbox { database, bus, queue, type in
            try await database.transaction { connection in
                // One statement for both, each with its own correlation id, in this order.
                try await Outbox.enqueue([event(type, "a"), event(type, "b")], on: connection, logger: logger)
            }
            struct Rollback: Error {}
            await #expect(throws: Rollback.self) {
                try await database.transaction { connection in
                    try await Outbox.enqueue([event(type, "rolled back")], on: connection, logger: logger)
                    throw Rollback()
                }
            }
            let relay = OutboxRelay(database: database, bus: bus, logger: logger)
            #expect(try await relay.relayOnce() == 2)
            #expect(try await relay.relayOnce() == 0, "nothing is published twice")

            let received = Collector(queue: queue, connection: bus.consumer)
            #expect(await eventually { received.deliveries.count == 2 })
            try await Task.sleep(for: .milliseconds(300))
            let texts = received.deliveries.map { String(decoding: $0.body, as: UTF8.self) }
            #expect(texts == ["{\"text\":\"a\"}", "{\"text\":\"b\"}"], "in commit order, without the rolled-back one")
            #expect(received.deliveries.allSatisfy { $0.properties.persistent && $0.properties.type == type.rawValue })
            #expect(received.deliveries.map(\.properties.correlationID) == ["corr-a", "corr-b"])

            let pending = try await database.count("SELECT count(*) FROM outbox WHERE state <> 'published'")
            #expect(pending == 0)
        }
    }

    @Test func threeRelaysPublishEachEventOnce() async throws {
        try await withOutbox { database, bus, queue, type in
            try await database.transaction { connection in
                for index in 0..<600 { try await Outbox.enqueue([event(type, "e\(index)")], on: connection, logger: logger) }
            }
            let relays = (0..<3).map { _ in OutboxRelay(database: database, bus: bus, batchSize: 50, logger: logger) }
            let published = try await withThrowingTaskGroup(of: Int.self) { group in
                for relay in relays {
                    group.addTask {
                        var total = 0
                        while true {
                            let count = try await relay.relayOnce()
                            if count == 0 { return total }
                            total += count
                        }
                    }
                }
                return try await group.reduce(0, +)
            }
            #expect(published == 600)
            let received = Collector(queue: queue, connection: bus.consumer)
            #expect(await eventually { received.deliveries.count >= 600 })
            try await Task.sleep(for: .milliseconds(500))
            let ids = received.deliveries.compactMap(\.properties.messageID)
            #expect(ids.count == 600)
            #expect(Set(ids).count == 600, "no event published twice")
        }
    }

    @Test func relayKeepsEventsWhileTheBrokerIsAwayAndSendsThemLater() async throws {
        try await withOutbox { database, bus, queue, type in
            let relay = OutboxRelay(database: database, bus: bus, pollInterval: .milliseconds(100), logger: logger)
            let running = Task { try await relay.run() }
            try BrokerControl.stopApp()
            try await database.transaction { connection in
                try await Outbox.enqueue([event(type, "during outage")], on: connection, logger: logger)
            }
            relay.wake()
            try await Task.sleep(for: .milliseconds(500))
            let pending = try await database.count("SELECT count(*) FROM outbox WHERE state = 'pending'")
            #expect(pending == 1, "an event the broker could not confirm stays pending")
            try BrokerControl.startApp()
            let received = Collector(queue: queue, connection: bus.consumer)
            #expect(await eventually(timeout: .seconds(60)) { received.deliveries.count == 1 })
            running.cancel()
        }
    }

    @Test func aRelayPublishesWhatAnotherReplicaCommittedAtOnceNotAtItsNextPoll() async throws {
        try await withOutbox { database, bus, queue, type in
            // The other replica writes through a pool of its own, so only the database can tell this relay.
            let writer = Database(configuration: database.configuration, logger: logger)
            let pool = Task { await writer.run() }
            defer { pool.cancel() }
            let relay = OutboxRelay(database: database, bus: bus, pollInterval: .seconds(600), logger: logger)
            let running = Task { try await relay.run() }
            defer { running.cancel() }
            let received = Collector(queue: queue, connection: bus.consumer)
            for round in 1...3 {
                try await writer.transaction { connection in
                    try await Outbox.enqueue([event(type, "written elsewhere \(round)")], on: connection, logger: logger)
                }
                #expect(await eventually(timeout: .seconds(30)) { received.deliveries.count == round },
                        "published long before the relay's ten-minute poll")
            }
        }
    }

    @Test func aCommitWakesOnlyTheRelaysOfItsOwnSchema() async throws {
        try await TestDatabase.with { mine in
            try await TestDatabase.with { other in
                let heard = LockedBox<[String]>([])
                let listening = LockedBox(false)
                let listener = Task {
                    try await mine.withConnection { connection in
                        var channel = ""
                        for try await name in try await connection.query("SELECT outbox_commit_channel(current_schema())", logger: logger)
                            .decode(String.self) { channel = name }
                        try await connection.listen(on: channel) { notifications in
                            listening.mutate { $0 = true }
                            for try await notification in notifications { heard.mutate { $0.append(notification.payload) } }
                        }
                    }
                }
                defer { listener.cancel() }
                #expect(await eventually(timeout: .seconds(30)) { listening.value })
                let type = MessageType("test.\(uniqueName("channel")).v1")
                // Notices arrive in commit order: had the other schema's commit been heard, it would come first.
                try await other.transaction { try await Outbox.enqueue([event(type, "elsewhere")], on: $0, logger: logger) }
                try await mine.transaction { try await Outbox.enqueue([event(type, "here")], on: $0, logger: logger) }
                #expect(await eventually(timeout: .seconds(30)) { !heard.value.isEmpty })
                #expect(heard.value == [mine.schema])
            }
        }
    }

    @Test func inboxMakesARedeliveredEventANoOp() async throws {
        try await TestDatabase.with { database in
            try await database.transaction { connection in
                try await connection.query("CREATE TABLE effects (message_id text, at timestamptz DEFAULT now())", logger: logger)
            }
            var handlers = TransactionalEventHandlers()
            handlers.register(MessageType("test.counted.v1")) { message, transaction in
                try await transaction.query("INSERT INTO effects (message_id) VALUES (\(message.messageID))")
            }
            let wrapped = handlers.eventHandlers(database: database)
            let message = IncomingMessage(type: MessageType("test.counted.v1"), messageID: "m-1", body: Data("{}".utf8))
            for _ in 0..<3 { try await wrapped.handler(for: message.type)?(message, logger) }
            let other = IncomingMessage(type: MessageType("test.counted.v1"), messageID: "m-2", body: Data("{}".utf8))
            try await wrapped.handler(for: other.type)?(other, logger)
            let effects = try await database.count("SELECT count(*) FROM effects")
            #expect(effects == 2)
        }
    }

    @Test func aFailedEffectLeavesNoInboxRecordSoTheRetryRuns() async throws {
        try await TestDatabase.with { database in
            let attempts = LockedBox(0)
            var handlers = TransactionalEventHandlers()
            handlers.register(MessageType("test.flaky.v1")) { _, _ in
                struct Flaky: Error {}
                if attempts.mutate({ $0 += 1; return $0 }) == 1 { throw Flaky() }
            }
            let wrapped = handlers.eventHandlers(database: database)
            let message = IncomingMessage(type: MessageType("test.flaky.v1"), messageID: "m-flaky", body: Data("{}".utf8))
            await #expect(throws: (any Error).self) { try await wrapped.handler(for: message.type)?(message, logger) }
            try await wrapped.handler(for: message.type)?(message, logger)
            try await wrapped.handler(for: message.type)?(message, logger)
            #expect(attempts.value == 2)
        }
    }

    @Test func idempotencyKeyReturnsTheFirstReplyAndRefusesADifferentRequest() async throws {
        try await TestDatabase.with { database in
            let runs = LockedBox(0)
            func post(_ body: String) async throws -> Data {
                try await IdempotencyKeys.once(
                    scope: "account-1", key: "key-1", requestType: "test.create.v1", request: Data(body.utf8),
                    database: database, logger: logger
                ) { _ in
                    Data("created #\(runs.mutate { $0 += 1; return $0 })".utf8)
                }
            }
            let replies = try await withThrowingTaskGroup(of: Data.self) { group in
                for _ in 0..<5 { group.addTask { try await post("{\"name\":\"x\"}") } }
                return try await group.reduce(into: [Data]()) { $0.append($1) }
            }
            #expect(Set(replies) == [Data("created #1".utf8)], "concurrent retries all get the first reply")
            #expect(runs.value == 1)
            await #expect {
                _ = try await post("{\"name\":\"different\"}")
            } throws: { error in
                (error as? DatabaseError)?.code == .idempotencyKeyReused
            }
        }
    }
}
