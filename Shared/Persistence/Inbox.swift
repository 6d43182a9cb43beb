import Contracts
import Logging
import MessageBus
import Metrics
import PostgresNIO

/// Event handlers whose effects are written in one transaction with the inbox record of the
/// message: a redelivered message finds its record and changes nothing.
public struct TransactionalEventHandlers: Sendable {
    public typealias Handler = @Sendable (IncomingMessage, PostgresConnection, Logger) async throws -> Void

    private var handlers: [(type: Contracts.MessageType, handler: Handler)] = []

    public init() {}

    public var isEmpty: Bool { handlers.isEmpty }

    public mutating func register(_ type: Contracts.MessageType, _ handler: @escaping Handler) {
        handlers.append((type, handler))
    }

    public mutating func register<Event: EventContract>(
        _: Event.Type, _ handler: @escaping @Sendable (Event, IncomingMessage, PostgresConnection, Logger) async throws -> Void
    ) {
        register(Event.type) { message, connection, logger in
            try await handler(try message.decode(Event.self), message, connection, logger)
        }
    }

    /// The handlers wrapped with the inbox; `afterCommit` runs after each effect committed
    /// (e.g. to wake the outbox relay for events the handler wrote).
    public func eventHandlers(database: Database, afterCommit: @escaping @Sendable () -> Void = {}) -> EventHandlers {
        var result = EventHandlers()
        for (type, handler) in handlers {
            result.register(type) { message, logger in
                let handled = try await database.transaction { connection in
                    guard try await Inbox.claim(message, on: connection, logger: logger) else { return false }
                    try await handler(message, connection, logger)
                    return true
                }
                if handled {
                    afterCommit()
                } else {
                    Counter(label: "expo_inbox_duplicates_total", dimensions: [("type", type.rawValue)]).increment()
                    logger.info("duplicate message ignored", metadata: ["messageID": "\(message.messageID)"])
                }
            }
        }
        return result
    }
}

public enum Inbox {
    /// Records the message as handled; false if it already was (then the caller must do nothing).
    public static func claim(_ message: IncomingMessage, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        let rows = try await connection.query("""
            INSERT INTO inbox (message_id, type) VALUES (\(message.messageID), \(message.type.rawValue))
            ON CONFLICT (message_id) DO NOTHING RETURNING 1
            """, logger: logger)
        for try await _ in rows { return true }
        return false
    }
}
