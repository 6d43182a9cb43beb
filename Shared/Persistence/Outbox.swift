import Logging
import MessageBus
import PostgresNIO

/// Writes events into the service's outbox, inside the caller's transaction: the event exists
/// exactly when the change it describes committed.
public enum Outbox {
    /// A `secret` event's row is deleted once published instead of being kept as published.
    public static func enqueue(_ event: EventEnvelope, secret: Bool = false, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("""
            INSERT INTO outbox (message_id, type, correlation_id, traceparent, occurred_at, body, routing_suffix, secret)
            VALUES (\(event.messageID), \(event.type.rawValue), \(event.correlationID), \(event.traceparent), \(event.occurredAt), \(event.body),
                    \(event.routingSuffix), \(secret))
            """, logger: logger)
    }
}
