import Logging
import PostgresNIO
import ServiceLifecycle

/// How long one kind of row is kept: a `DELETE` the sweeper runs periodically.
public struct RetentionRule: Sendable {
    public var name: String
    public var sql: String

    public init(name: String, sql: String) {
        self.name = name
        self.sql = sql
    }

    /// Bookkeeping every schema has: published outbox rows after 7 days, inbox records after
    /// 30 days (well past any redelivery), idempotency keys after 24 hours.
    public static let platform: [RetentionRule] = [
        RetentionRule(name: "outbox", sql: "DELETE FROM outbox WHERE state = 'published' AND published_at < now() - interval '7 days'"),
        RetentionRule(name: "inbox", sql: "DELETE FROM inbox WHERE handled_at < now() - interval '30 days'"),
        RetentionRule(name: "idempotency keys", sql: "DELETE FROM idempotency_keys WHERE created_at < now() - interval '24 hours'"),
    ]
}

/// Deletes rows once they have served their purpose, by the rules it is given.
public final class RetentionSweeper: Service, Sendable {
    private let database: Database
    private let rules: [RetentionRule]
    private let interval: Duration
    private let logger: Logger

    public init(database: Database, rules: [RetentionRule] = RetentionRule.platform, interval: Duration = .seconds(3600), logger: Logger) {
        self.database = database
        self.rules = rules
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
            for rule in rules {
                try await connection.query(PostgresQuery(unsafeSQL: rule.sql), logger: logger)
            }
        }
    }
}
