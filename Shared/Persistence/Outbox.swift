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
        // Arrays cannot hold NULLs here: an absent text travels as '' and is stored as NULL again.
        try await connection.query("""
            INSERT INTO outbox (message_id, type, correlation_id, traceparent, occurred_at, body, routing_suffix, secret)
            SELECT id, type, nullif(correlation, ''), nullif(trace, ''), at, body, nullif(suffix, ''), \(secret)
            FROM unnest(\(events.map(\.messageID))::uuid[], \(events.map(\.type.rawValue))::text[],
                        \(events.map { $0.correlationID ?? "" })::text[], \(events.map { $0.traceparent ?? "" })::text[],
                        \(events.map(\.occurredAt))::timestamptz[], \(events.map { ByteBuffer(bytes: $0.body) })::bytea[],
                        \(events.map { $0.routingSuffix ?? "" })::text[])
                 WITH ORDINALITY AS e(id, type, correlation, trace, at, body, suffix, position)
            ORDER BY position
            """, logger: logger)
    }
}
