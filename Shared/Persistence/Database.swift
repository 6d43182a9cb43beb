import Logging
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
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
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
