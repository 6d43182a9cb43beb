import Logging
import ServiceLifecycle

/// Deletes bookkeeping rows once they have served their purpose: published outbox rows after
/// 7 days, inbox records after 30 days (well past any redelivery), idempotency keys after 24 hours.
public final class RetentionSweeper: Service, Sendable {
    private let database: Database
    private let interval: Duration
    private let logger: Logger

    public init(database: Database, interval: Duration = .seconds(3600), logger: Logger) {
        self.database = database
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await self.sweep()
                } catch {
                    self.logger.warning("retention sweep failed", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: self.interval)
            }
        }
    }

    public func sweep() async throws {
        try await database.transaction { connection in
            try await connection.query(
                "DELETE FROM outbox WHERE state = 'published' AND published_at < now() - interval '7 days'", logger: logger)
            try await connection.query("DELETE FROM inbox WHERE handled_at < now() - interval '30 days'", logger: logger)
            try await connection.query(
                "DELETE FROM idempotency_keys WHERE created_at < now() - interval '24 hours'", logger: logger)
        }
    }
}
