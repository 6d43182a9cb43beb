import Foundation
import Logging
import MessageBus
import Metrics
import PostgresNIO
import ServiceLifecycle
import AMQPTransport

/// Publishes committed outbox rows with publisher confirms and marks them published.
///
/// Safe with many replicas: each batch is claimed with `FOR UPDATE SKIP LOCKED`, so two relays
/// never publish the same row at once, and a row is marked published only after the broker
/// confirmed it. A crash between confirm and commit republishes the row: consumers' inboxes make
/// that harmless (at-least-once delivery, exactly-once effect).
public final class OutboxRelay: Service, Sendable {
    private let database: Database
    private let bus: MessageBus
    private let batchSize: Int
    private let pollInterval: Duration
    /// How long a batch may wait for its confirms while its rows stay locked.
    private let confirmTimeout: Duration
    private let logger: Logger
    private let wakeSignal = WakeSignal()

    public init(
        database: Database, bus: MessageBus, batchSize: Int = 200, pollInterval: Duration = .milliseconds(500),
        confirmTimeout: Duration = .seconds(10), logger: Logger
    ) {
        self.database = database
        self.bus = bus
        self.batchSize = batchSize
        self.pollInterval = pollInterval
        self.confirmTimeout = confirmTimeout
        self.logger = logger
        database.onEventsCommitted { [wakeSignal] in wakeSignal.signal() }
    }

    /// Publishes pending rows now rather than at the next poll. Transactions that emit through
    /// `Transaction.emit` wake the relay themselves; this is for rows written another way.
    public func wake() {
        wakeSignal.signal()
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.relayUntilCancelled() }
                group.addTask { await self.listenForCommits() }
                await group.next()
                group.cancelAll()
            }
        }
    }

    private func relayUntilCancelled() async {
        var backoff = pollInterval
        while !Task.isCancelled {
            do {
                // A round whose database work never answers (a query left pending by a crashed
                // server) is abandoned, so the relay goes on with a new connection.
                let published = try await withTimeLimit(confirmTimeout + .seconds(10)) { try await self.relayOnce() }
                backoff = pollInterval
                if published == batchSize { continue }
                await wakeSignal.wait(upTo: pollInterval)
            } catch {
                logger.warning("outbox relay paused", metadata: ["error": "\(error)", "retryIn": "\(backoff)"])
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(5))
            }
        }
    }

    /// Wakes the relay whenever any replica commits outbox rows in this schema, so events leave at
    /// once wherever they were written. The outbox's trigger notifies the schema's own channel on
    /// every commit that wrote rows (platform migration 8). One pooled connection stays listening;
    /// after it is lost the relay wakes once (commits may have gone unheard) and listens again, and
    /// the poll goes on meanwhile.
    private func listenForCommits() async {
        var backoff = pollInterval
        while !Task.isCancelled {
            do {
                try await database.client.withConnection { connection in
                    let rows = try await connection.query("SELECT outbox_commit_channel(current_schema())", logger: logger)
                    var channel = ""
                    for try await name in rows.decode(String.self) { channel = name }
                    try await connection.listen(on: channel) { notifications in
                        backoff = pollInterval
                        wakeSignal.signal()
                        for try await _ in notifications { wakeSignal.signal() }
                    }
                }
            } catch {
                if Task.isCancelled { return }
                logger.debug("outbox commit notices lost; listening again", metadata: ["error": "\(error)", "retryIn": "\(backoff)"])
            }
            try? await Task.sleep(for: backoff)
            backoff = min(backoff * 2, .seconds(5))
        }
    }

    /// Claims one batch of pending rows, publishes them and marks the confirmed ones published.
    /// Returns how many were published.
    @discardableResult
    public func relayOnce() async throws -> Int {
        try await database.transaction { connection in
            var events: [(id: Int64, envelope: EventEnvelope)] = []
            let rows = try await connection.execute(PendingOutboxBatch(limit: batchSize), logger: logger)
            for try await (id, messageID, type, correlationID, traceparent, occurredAt, body, suffix) in rows {
                events.append((id, EventEnvelope(
                    messageID: messageID, type: .init(type), correlationID: correlationID, traceparent: traceparent,
                    occurredAt: occurredAt, body: body, routingSuffix: suffix)))
            }
            guard !events.isEmpty else { return 0 }

            let outcomes = await publish(events.map(\.envelope))
            let confirmed = zip(events, outcomes).filter { $0.1 == nil }.map(\.0.id)
            let failed = zip(events, outcomes).compactMap { event, error in error.map { (event.id, $0.description) } }
            if !confirmed.isEmpty {
                for try await _ in try await connection.execute(OutboxPublished(ids: confirmed), logger: logger) {}
            }
            if let firstFailure = failed.first {
                try await connection.query("""
                    UPDATE outbox SET attempts = attempts + 1, last_error = \(firstFailure.1)
                    WHERE id = ANY(\(failed.map(\.0)))
                    """, logger: logger)
            }
            Counter(label: "expo_outbox_published_total").increment(by: confirmed.count)
            if !failed.isEmpty {
                logger.warning("outbox events not confirmed; will retry", metadata: [
                    "count": "\(failed.count)", "error": "\(failed[0].1)"])
            }
            return confirmed.count
        }
    }

    /// Publishes with confirms, but gives up after `confirmTimeout`: the batch's rows stay locked
    /// meanwhile, and a confirm that never comes must not keep them from every other relay (nor
    /// hold up shutdown). Unconfirmed events stay pending and go out again, at least once.
    private func publish(_ envelopes: [EventEnvelope]) async -> [AMQPError?] {
        let bus = bus
        do {
            return try await withTimeLimit(confirmTimeout) { await bus.publish(envelopes) }
        } catch {
            logger.warning("outbox confirms did not arrive in time; the batch stays pending", metadata: ["count": "\(envelopes.count)"])
            return envelopes.map { _ in AMQPError(.publishNacked, "no confirm within \(confirmTimeout)") }
        }
    }
}

// The relay's two statements of every round, prepared: PostgreSQL plans them once per connection.

/// Claims the oldest pending rows that no other relay holds.
struct PendingOutboxBatch: PostgresPreparedStatement {
    static let sql = """
        SELECT id, message_id, type, correlation_id, traceparent, occurred_at, body, routing_suffix FROM outbox
        WHERE state = 'pending' ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED
        """
    typealias Row = (Int64, UUID, String, String?, String?, Date, Data, String?)

    let limit: Int

    func makeBindings() -> PostgresBindings {
        var bindings = PostgresBindings()
        bindings.append(limit)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
}

/// Marks confirmed rows published; a secret's row is deleted instead.
struct OutboxPublished: PostgresPreparedStatement {
    static let sql = """
        WITH secrets AS (DELETE FROM outbox WHERE id = ANY($1) AND secret)
        UPDATE outbox SET state = 'published', published_at = now(), attempts = attempts + 1
        WHERE id = ANY($1) AND NOT secret
        """
    typealias Row = Void

    let ids: [Int64]

    func makeBindings() -> PostgresBindings {
        var bindings = PostgresBindings()
        bindings.append(ids)
        return bindings
    }

    func decodeRow(_: PostgresRow) {}
}
