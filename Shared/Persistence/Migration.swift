import Foundation
import Logging
import PostgresNIO

/// One numbered schema change. `source` separates the platform's tables from a service's own.
public struct Migration: Sendable, Equatable {
    public let source: String
    public let version: Int
    public let name: String
    public let sql: String

    public init(source: String, version: Int, name: String, sql: String) {
        self.source = source
        self.version = version
        self.name = name
        self.sql = sql
    }
}

extension Migration {
    /// The SQL split into statements (the extended protocol takes one at a time): a statement ends
    /// with `;` at the end of a line outside a `$$` body.
    public var statements: [String] {
        var statements: [String] = []
        var current: [Substring] = []
        var inDollarBody = false
        for line in sql.split(separator: "\n", omittingEmptySubsequences: false) {
            current.append(line)
            if line.components(separatedBy: "$$").count % 2 == 0 { inDollarBody.toggle() }
            if !inDollarBody, line.trimmingCharacters(in: .whitespaces).hasSuffix(";") {
                statements.append(current.joined(separator: "\n"))
                current = []
            }
        }
        statements.append(current.joined(separator: "\n"))
        return statements.filter { statement in
            statement.split(separator: "\n").contains { !$0.trimmingCharacters(in: .whitespaces).isEmpty && !$0.trimmingCharacters(in: .whitespaces).hasPrefix("--") }
        }
    }
}

/// Applies pending migrations at start-up, one replica at a time (an advisory lock serialises
/// replicas starting together), all in one transaction, recorded in the schema's `schema_migrations`.
public enum Migrator {
    @discardableResult
    public static func migrate(_ database: Database, _ migrations: [Migration], logger: Logger) async throws -> [Migration] {
        let schema = database.schema
        return try await database.transaction { connection in
            var writable = false
            for try await canCreate in try await connection.query(
                "SELECT has_schema_privilege(current_user, \(schema), 'CREATE') FROM pg_namespace WHERE nspname = \(schema)",
                logger: logger
            ).decode(Bool.self) {
                writable = canCreate
            }
            guard writable else {
                throw DatabaseError(.schemaMissing, "schema '\(schema)' is missing or not writable by \(database.configuration.username); run deploy/postgres/bootstrap.sql")
            }
            try await connection.query("SELECT pg_advisory_xact_lock(hashtext(\(schema + ".migrations")))", logger: logger)
            try await connection.query("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    source text NOT NULL, version integer NOT NULL, name text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (source, version))
                """, logger: logger)
            var applied = Set<String>()
            for try await (source, version) in try await connection.query(
                "SELECT source, version FROM schema_migrations", logger: logger
            ).decode((String, Int).self) {
                applied.insert("\(source)/\(version)")
            }
            let pending = migrations.filter { !applied.contains("\($0.source)/\($0.version)") }
            for migration in pending {
                do {
                    for statement in migration.statements {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                } catch {
                    throw DatabaseError(.migrationFailed, "\(migration.source) \(migration.version) \(migration.name): \(String(reflecting: error))")
                }
                try await connection.query(
                    "INSERT INTO schema_migrations (source, version, name) VALUES (\(migration.source), \(migration.version), \(migration.name))",
                    logger: logger)
                logger.info("applied migration", metadata: [
                    "schema": "\(schema)", "source": "\(migration.source)", "version": "\(migration.version)", "name": "\(migration.name)"])
            }
            return pending
        }
    }
}
