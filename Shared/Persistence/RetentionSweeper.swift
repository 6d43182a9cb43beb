import Contracts
import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle

/// How long one kind of row is kept: one `DELETE` statement the sweeper runs periodically.
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
        RetentionRule(name: "retention runs", sql: "DELETE FROM retention_runs WHERE swept_at < now() - interval '400 days'"),
    ]
}

/// Deletes rows once they have served their purpose, by the rules it is given, and records what
/// each run removed for the retention report.
public final class RetentionSweeper: Service, Sendable {
    private let database: Database
    private let rules: [RetentionRule]
    private let interval: Duration
    private let logger: Logger

    public init(
        database: Database, rules: [RetentionRule] = RetentionRule.platform, interval: Duration = .seconds(3600), logger: Logger
    ) {
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

    /// Runs every rule once; answers how many rows each removed.
    @discardableResult
    public func sweep() async throws -> [String: Int] {
        try await database.transaction { connection in
            var swept: [String: Int] = [:]
            for rule in rules {
                // Each rule is one DELETE: counted by what it returns.
                let rows = try await connection.query(
                    PostgresQuery(unsafeSQL: "WITH swept AS (\(rule.sql) RETURNING 1) SELECT count(*)::int8 FROM swept"), logger: logger)
                let removed = Int(try await rows.decode(Int64.self).first { _ in true } ?? 0)
                try await connection.query("INSERT INTO retention_runs (rule, swept_at, removed) VALUES (\(rule.name), now(), \(removed))", logger: logger)
                swept[rule.name] = removed
            }
            return swept
        }
    }

    /// What the runs removed, rule by rule: by the last run, in the last 30 and 365 days.
    public static func report(of service: ServiceName, on connection: PostgresConnection, logger: Logger) async throws -> RetentionReport.Service {
        var report = RetentionReport.Service(service: service, lastSweptAt: nil, rules: [])
        for try await (rule, lastSweptAt, lastRun, month, year) in try await connection.query("""
            SELECT rule, max(swept_at), (array_agg(removed ORDER BY swept_at DESC))[1],
                   coalesce(sum(removed) FILTER (WHERE swept_at > now() - interval '30 days'), 0)::int8,
                   coalesce(sum(removed) FILTER (WHERE swept_at > now() - interval '365 days'), 0)::int8
            FROM retention_runs GROUP BY rule ORDER BY rule
            """, logger: logger).decode((String, Date, Int, Int64, Int64).self) {
            report.lastSweptAt = max(report.lastSweptAt ?? lastSweptAt, lastSweptAt)
            report.rules.append(RetentionReport.Rule(name: rule, removedLastRun: lastRun, removedLast30Days: Int(month), removedLast365Days: Int(year)))
        }
        return report
    }
}
