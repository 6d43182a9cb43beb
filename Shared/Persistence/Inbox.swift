import Contracts
import Logging
import MessageBus
import Metrics
import PostgresNIO

/// Event handlers whose effects are written in one transaction with the inbox record of the
/// message: a redelivered message finds its record and changes nothing. Events a handler emits
/// leave with the same commit.
public struct TransactionalEventHandlers: Sendable {
    public typealias Handler = @Sendable (IncomingMessage, Transaction) async throws -> Void

    private var handlers: [(type: Contracts.MessageType, handler: Handler)] = []

    public init() {}

    public var isEmpty: Bool { handlers.isEmpty }
    public var types: [Contracts.MessageType] { handlers.map(\.type) }

    public mutating func register(_ type: Contracts.MessageType, _ handler: @escaping Handler) {
        handlers.append((type, handler))
    }

    public mutating func register<Event: EventContract>(
        _: Event.Type, _ handler: @escaping @Sendable (Event, Transaction) async throws -> Void
    ) {
        register(Event.type) { message, transaction in
            try await handler(try message.decode(Event.self), transaction)
        }
    }

    /// The handlers wrapped with the inbox.
    public func eventHandlers(database: Database) -> EventHandlers {
        var result = EventHandlers()
        for (type, handler) in handlers {
            result.register(type) { message, logger in
                let handled = try await database.transaction(context: MessageContext(message), logger: logger) { transaction in
                    guard try await Inbox.claim(message, on: transaction.connection, logger: logger) else { return false }
                    try await handler(message, transaction)
                    return true
                }
                if !handled {
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
        for try await _ in try await connection.execute(InboxClaim(message: message), logger: logger) { return true }
        return false
    }
}

/// Every event a service handles runs this: prepared, so PostgreSQL plans it once per connection.
struct InboxClaim: PostgresPreparedStatement {
    static let sql = "INSERT INTO inbox (message_id, type) VALUES ($1, $2) ON CONFLICT (message_id) DO NOTHING RETURNING 1"
    typealias Row = Void

    let message: IncomingMessage

    func makeBindings() -> PostgresBindings {
        var bindings = PostgresBindings()
        bindings.append(message.messageID)
        bindings.append(message.type.rawValue)
        return bindings
    }

    func decodeRow(_: PostgresRow) {}
}
