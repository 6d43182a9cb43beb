import AMQPTransport
import Contracts
import Foundation
import Histogram
import Logging
import MessageBus
import Persistence
import PostgresNIO
import TestSupport

/// `expo-bench outbox`: how long an event takes from its commit to a subscriber when the replica
/// that publishes it is not the one that wrote it (two replicas of a service; the broker's
/// delivery is the subscriber). The writer commits one event at a time through a connection pool
/// of its own; the relay, the platform's `OutboxRelay` with its production poll interval, runs
/// against the same schema. Measured twice: with the outbox's commit notice switched off (the
/// relay learns of the row at its next poll) and on (`LISTEN/NOTIFY`).
struct OutboxBench {
    var events = 200
    var output: String?
    var command = "deploy/stack bench outbox"
    let logger: Logger

    static let usage = "expo-bench outbox [--events N] [--output FILE] [--command TEXT]"

    init(_ arguments: [String], logger: Logger) throws {
        self.logger = logger
        var arguments = BenchArguments(arguments)
        while let flag = arguments.nextFlag() {
            switch flag {
            case "--events": events = try arguments.number(flag, atLeast: 10)
            case "--output": output = try arguments.value(flag)
            case "--command": command = try arguments.value(flag)
            default: throw BenchUsage(Self.usage)
            }
        }
    }

    func execute() async throws {
        let queue = uniqueName("bench.outbox")
        let type = MessageType("bench.\(queue).v1")
        var topology = PlatformTopology.make(subscriptions: [:])
        topology.add(queue: queue, kind: .quorum(deliveryLimit: 5))
        topology.bindings.append(.init(queue: queue, exchange: PlatformTopology.eventsExchange, routingKey: type.rawValue))
        let report = try await TestDatabase.with { relayDatabase in
            try await withBus(topology: topology) { bus in
                let writer = Database(configuration: relayDatabase.configuration, logger: logger)
                let pool = Task { await writer.run() }
                defer { pool.cancel() }
                let relay = OutboxRelay(database: relayDatabase, bus: bus, logger: logger)
                let running = Task { try await relay.run() }
                defer { running.cancel() }
                let arrivals = LockedBox<[Int: ContinuousClock.Instant]>([:])
                bus.consumer.consume(ConsumerSpec(source: .queue(queue), prefetch: 100) { [connection = bus.consumer] delivery in
                    let now = ContinuousClock.now
                    if let index = Int(String(decoding: delivery.body, as: UTF8.self)) { arrivals.mutate { $0[index] = now } }
                    connection.ack(delivery)
                })
                var phases: [(name: String, latency: Histogram<UInt64>)] = []
                var next = 0
                for (name, notify) in [("poll only (commit notice off)", false), ("LISTEN/NOTIFY", true)] {
                    try await writer.withConnection { connection in
                        let state = notify ? "ENABLE" : "DISABLE"
                        try await connection.query(PostgresQuery(unsafeSQL: "ALTER TABLE outbox \(state) TRIGGER outbox_notify_commit"), logger: logger)
                    }
                    let latency = try await measure(from: next, writer: writer, type: type, arrivals: arrivals)
                    next += events
                    phases.append((name, latency))
                    logger.info("outbox phase", metadata: ["phase": "\(name)", "p50Ms": "\(Double(latency.valueAtPercentile(50)) / 1000)"])
                }
                try await bus.publisher.delete(queue: queue)
                return await render(phases)
            }
        }
        print(report)
        if let output { try report.write(toFile: output, atomically: true, encoding: .utf8) }
    }

    /// Commits `events` events one after the other, each once the previous one arrived, at a
    /// random moment of the relay's poll cycle; their latencies in microseconds.
    private func measure(
        from first: Int, writer: Database, type: MessageType, arrivals: LockedBox<[Int: ContinuousClock.Instant]>
    ) async throws -> Histogram<UInt64> {
        var latency = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
        for index in first..<(first + events) {
            try await Task.sleep(for: .milliseconds(Int.random(in: 0..<500)))
            let envelope = EventEnvelope(type: type, correlationID: nil, traceparent: nil, body: Data("\(index)".utf8))
            try await writer.transaction { connection in try await Outbox.enqueue([envelope], on: connection, logger: logger) }
            let committed = ContinuousClock.now
            guard await eventually(timeout: .seconds(30), interval: .milliseconds(2), { arrivals.value[index] != nil }),
                  let arrived = arrivals.value[index]
            else { throw TestFailure("event \(index) did not arrive within 30 s") }
            let elapsed = arrived - committed
            latency.record(UInt64(max(0, elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000)))
        }
        return latency
    }

    private func render(_ phases: [(name: String, latency: Histogram<UInt64>)]) async -> String {
        let machine = await Machine.describe()
        func ms(_ value: UInt64) -> String { String(format: "%.1f", Double(value) / 1000) }
        let rows = phases.map { name, latency in
            "| \(name) | \(latency.totalCount) | \(ms(latency.valueAtPercentile(50))) | \(ms(latency.valueAtPercentile(95))) | "
                + "\(ms(latency.valueAtPercentile(99))) | \(ms(latency.max)) |"
        }
        return """
            # Outbox event latency benchmark

            `\(command)`, \(machine.date), commit \(machine.commit). \(machine.summary); \(machine.software).

            One replica commits an event; another replica's outbox relay (poll interval 500 ms, the default) publishes it \
            with a publisher confirm; the time counts from the writer's `COMMIT` answer to the event's delivery to a \
            subscriber's queue consumer. \(events) events per row, one at a time, each at a random moment (0–500 ms after \
            the previous one arrived).

            | relay woken by | events | p50 ms | p95 ms | p99 ms | max ms |
            |---|---:|---:|---:|---:|---:|
            \(rows.joined(separator: "\n"))

            """
    }
}
