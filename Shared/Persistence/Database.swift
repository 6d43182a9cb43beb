import Logging
import MessageBus
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// A service's connection pool to its own schema. As a `Service` it runs the pool until shutdown.
public final class Database: Service, Sendable {
    public let client: PostgresClient
    public let configuration: DatabaseConfiguration
    let logger: Logger
    /// Called after a transaction that emitted events committed: the outbox relays, woken.
    private let outboxListeners = Mutex<[@Sendable () -> Void]>([])

    public init(configuration: DatabaseConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        self.client = PostgresClient(configuration: configuration.clientConfiguration, backgroundLogger: logger)
    }

    public var schema: String { configuration.schema }

    public func run() async {
        await client.run()
    }

    /// Runs `body` in one transaction: committed if it returns, rolled back if it throws (and the
    /// error it threw is what the caller sees).
    @discardableResult
    public func transaction<Result: Sendable>(
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await client.withConnection { connection in
            try await connection.query("BEGIN", logger: logger)
            do {
                let result = try await body(connection)
                try await connection.query("COMMIT", logger: logger)
                return result
            } catch {
                await rollBack(connection)
                throw error
            }
        }
    }

    /// Ends a failed transaction without ever waiting for good. PostgresNIO (1.33.2) never answers
    /// a statement sent on a connection it has closed, not even with an error: the statement is
    /// dropped and its caller waits forever. That was the replica hang after a PostgreSQL crash: a
    /// statement failed because the server died, and the ROLLBACK that followed never returned.
    /// The server ended a dead connection's transaction itself, so it gets no ROLLBACK; one that
    /// closes while the ROLLBACK is on its way is given up on after a while and closed, never
    /// returned to the pool in the middle of a transaction.
    private func rollBack(_ connection: PostgresConnection) async {
        guard !connection.isClosed else { return }
        do {
            try await withTimeLimit(.seconds(10)) { [logger] in try await connection.query("ROLLBACK", logger: logger) }
        } catch {
            try? await connection.close()
        }
    }

    /// Runs `body` on a pooled connection outside any transaction: for a single statement, which is
    /// atomic by itself; wrapping it in BEGIN and COMMIT would cost two more round trips.
    public func withConnection<Result: Sendable>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        try await client.withConnection(body)
    }

    /// Calls `listener` after every commit that wrote outbox rows through `Transaction.emit`.
    func onEventsCommitted(_ listener: @escaping @Sendable () -> Void) {
        outboxListeners.withLock { $0.append(listener) }
    }

    func eventsCommitted() {
        for listener in outboxListeners.withLock({ $0 }) { listener() }
    }

    /// Whether a trivial query succeeds now.
    public func isReachable() async -> Bool {
        do {
            try await client.query("SELECT 1", logger: logger)
            return true
        } catch {
            return false
        }
    }
}
