import Logging
import MessageBus
import NIOCore
import PostgresNIO

/// Writes events into the service's outbox, inside the caller's transaction: the event exists
/// exactly when the change it describes committed.
public enum Outbox {
    /// Writes `events` in one statement, whatever their number (a feed entry for each member of a
    /// conversation costs no more round trips than one). A `secret` event's row is deleted once
    /// published instead of being kept as published.
    public static func enqueue(_ events: [EventEnvelope], secret: Bool = false, on connection: PostgresConnection, logger: Logger) async throws {
        guard !events.isEmpty else { return }
        for try await _ in try await connection.execute(OutboxInsert(events: events, secret: secret), logger: logger) {}
    }
}

/// Every event-writing transaction of every service runs this: prepared, so PostgreSQL plans it
/// once per connection.
struct OutboxInsert: PostgresPreparedStatement {
    // Arrays cannot hold NULLs here: an absent text travels as '' and is stored as NULL again.
    static let sql = """
        INSERT INTO outbox (message_id, type, correlation_id, traceparent, occurred_at, body, routing_suffix, secret)
        SELECT id, type, nullif(correlation, ''), nullif(trace, ''), at, body, nullif(suffix, ''), $8
        FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::bytea[], $7::text[])
             WITH ORDINALITY AS e(id, type, correlation, trace, at, body, suffix, position)
        ORDER BY position
        """
    typealias Row = Void

    let events: [EventEnvelope]
    let secret: Bool

    func makeBindings() -> PostgresBindings {
        var bindings = PostgresBindings()
        bindings.append(events.map(\.messageID))
        bindings.append(events.map(\.type.rawValue))
        bindings.append(events.map { $0.correlationID ?? "" })
        bindings.append(events.map { $0.traceparent ?? "" })
        bindings.append(events.map(\.occurredAt))
        bindings.append(events.map { ByteBuffer(bytes: $0.body) })
        bindings.append(events.map { $0.routingSuffix ?? "" })
        bindings.append(secret)
        return bindings
    }

    func decodeRow(_: PostgresRow) {}
}
