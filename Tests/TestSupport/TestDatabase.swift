import Foundation
import Logging
import Persistence
import PostgresNIO

/// A fresh schema per test, owned by the `expo_test` role, dropped afterwards.
public enum TestDatabase {
    public static let role = "expo_test"

    /// Runs `body` with a migrated `Database` on a new schema; `migrations` default to the platform's.
    public static func with<T: Sendable>(
        migrations: [Migration] = Migration.platform, _ body: (Database) async throws -> T
    ) async throws -> T {
        let schema = uniqueName("t")
        try await admin { connection, logger in
            try await connection.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA \(schema) AUTHORIZATION \(role)"), logger: logger)
        }
        defer {
            Task { try? await admin { connection, logger in
                try await connection.query(PostgresQuery(unsafeSQL: "DROP SCHEMA IF EXISTS \(schema) CASCADE"), logger: logger)
            } }
        }
        return try await running(try configuration(role: role, schema: schema)) { database in
            try await Migrator.migrate(database, migrations, logger: TestEnvironment.logger("migrations"))
            return try await body(database)
        }
    }

    /// A new, empty schema owned by the test role, for a service process to migrate (pass
    /// `processEnvironment` to it); `drop` removes it.
    public static func freshSchema(for service: String) async throws -> (schema: String, processEnvironment: [String: String]) {
        let schema = uniqueName("e2e")
        try await admin { connection, logger in
            try await connection.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA \(schema) AUTHORIZATION \(role)"), logger: logger)
        }
        var components = URLComponents(string: TestEnvironment.postgresURL)!
        components.user = role
        components.password = "expo-local-\(role)"
        let prefix = "EXPO_\(service.uppercased().replacingOccurrences(of: "-", with: "_"))_POSTGRES_"
        return (schema, [prefix + "URL": components.string!, prefix + "SCHEMA": schema])
    }

    public static func drop(schema: String) async throws {
        try await admin { connection, logger in
            try await connection.query(PostgresQuery(unsafeSQL: "DROP SCHEMA IF EXISTS \(schema) CASCADE"), logger: logger)
        }
    }

    /// A number a superuser query answers, e.g. `SELECT count(*) FROM schema.accounts`.
    public static func adminCount(_ sql: String) async throws -> Int {
        var result = 0
        try await admin { connection, logger in
            for try await value in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).decode(Int.self) { result = value }
        }
        return result
    }

    /// The first column of a superuser query's rows, as text.
    public static func adminRows(_ sql: String) async throws -> [String] {
        var rows: [String] = []
        try await admin { connection, logger in
            for try await value in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).decode(String.self) { rows.append(value) }
        }
        return rows
    }

    /// Runs a statement as the superuser, e.g. to move a stored deadline as time passing would.
    public static func adminExecute(_ sql: String) async throws {
        try await admin { connection, logger in _ = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger) }
    }

    /// A service role's configuration, as the local stack's defaults give it.
    public static func configuration(role: String, schema: String) throws -> DatabaseConfiguration {
        var components = URLComponents(string: TestEnvironment.postgresURL)!
        components.user = role
        components.password = "expo-local-\(role)"
        return try DatabaseConfiguration(url: components.string!, schema: schema)
    }

    /// Runs `body` while the database's pool runs.
    public static func running<T: Sendable>(_ configuration: DatabaseConfiguration, _ body: (Database) async throws -> T) async throws -> T {
        let database = Database(configuration: configuration, logger: TestEnvironment.logger("database"))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await database.run() }
            defer { group.cancelAll() }
            return try await body(database)
        }
    }

    /// A superuser connection, for test set-up only.
    public static func admin(_ body: (PostgresConnection, Logger) async throws -> Void) async throws {
        let url = URLComponents(string: TestEnvironment.adminPostgresURL)!
        let logger = TestEnvironment.logger("admin")
        let connection = try await PostgresConnection.connect(
            configuration: .init(
                host: url.host!, port: url.port ?? 5432, username: url.user!, password: url.password,
                database: String(url.path.dropFirst()), tls: .disable),
            id: 1, logger: logger)
        do {
            try await body(connection, logger)
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
    }
}

extension Database {
    /// The single integer a `SELECT count(*) ...` answers.
    public func count(_ query: PostgresQuery) async throws -> Int {
        try await transaction { connection in
            try await connection.query(query, logger: TestEnvironment.logger("count")).decode(Int.self).first { _ in true } ?? 0
        }
    }
}
