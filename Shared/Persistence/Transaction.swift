import Contracts
import Foundation
import Logging
import MessageBus
import PostgresNIO
import Synchronization

/// One transaction of a handler: its statements, and the events it emits, which are written to
/// the outbox with it and published once it committed. Handlers never call the outbox or the relay
/// themselves.
public struct Transaction: Sendable {
    public let connection: PostgresConnection
    public let logger: Logger
    let context: MessageContext
    let emitted: EmitCount

    /// Runs one statement of the transaction.
    @discardableResult
    public func query(_ query: PostgresQuery) async throws -> PostgresRowSequence {
        try await connection.query(query, logger: logger)
    }

    /// Runs one prepared statement of the transaction: planned once per connection, for the
    /// statements a service runs on every request.
    public func execute<Statement: PostgresPreparedStatement>(
        _ statement: Statement
    ) async throws -> AsyncThrowingMapSequence<PostgresRowSequence, Statement.Row> {
        try await connection.execute(statement, logger: logger)
    }

    /// Writes `event` to the outbox in this transaction: it exists exactly when the change it
    /// describes committed, and leaves right after the commit.
    public func emit<Event: EventContract>(_ event: Event) async throws {
        try await emit([event])
    }

    /// Writes several events to the outbox in one statement, in this order.
    public func emit<Event: EventContract>(_ events: [Event]) async throws {
        let envelopes = try events.map { try EventEnvelope($0, context: context) }
        try await Outbox.enqueue(envelopes, secret: Event.carriesSecret, on: connection, logger: logger)
        emitted.add(envelopes.count)
    }
}

/// How many events a transaction emitted, so the relay is woken only when there are some.
final class EmitCount: Sendable {
    private let count = Atomic<Int>(0)
    func add(_ number: Int) { count.add(number, ordering: .relaxed) }
    var value: Int { count.load(ordering: .relaxed) }
}

extension Database {
    /// A request handler's transaction: rolled back instead of committed once the caller's
    /// deadline has passed. The check comes after every statement, so any row the work touched
    /// is locked by then, and a retry that starts after the deadline waits for this transaction
    /// or finds nothing of it.
    public func transaction<Result: Sendable>(
        _ request: RequestContext, _ body: (Transaction) async throws -> Result
    ) async throws -> Result {
        try await transaction(context: request.context, deadline: request.message.deadline, logger: request.logger, body)
    }

    /// A transaction for work that is not a request (an event handler, start-up work).
    public func transaction<Result: Sendable>(
        context: MessageContext, deadline: Date? = nil, logger: Logger, _ body: (Transaction) async throws -> Result
    ) async throws -> Result {
        let emitted = EmitCount()
        let result = try await transaction { connection in
            let result = try await body(Transaction(connection: connection, logger: logger, context: context, emitted: emitted))
            if let deadline, deadline <= Date() { throw Problem.deadlinePassed }
            return result
        }
        if emitted.value > 0 { eventsCommitted() }
        return result
    }
}
