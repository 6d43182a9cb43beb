import Foundation
import Persistence
import PostgresNIO
import Testing
import TestSupport

@Suite(.serialized, .integration) struct MigrationTests {
    @Test func splitsStatementsButKeepsDollarQuotedBodiesWhole() {
        let migration = Migration(source: "s", version: 1, name: "n", sql: """
            -- a comment
            CREATE TABLE a (id int);
            CREATE FUNCTION f() RETURNS trigger AS $$
            BEGIN
                RETURN NEW;
            END;
            $$ LANGUAGE plpgsql;
            """)
        #expect(migration.statements.count == 2)
        #expect(migration.statements[1].contains("RETURN NEW;"))
    }

    @Test func appliesEachMigrationOnceEvenWhenReplicasStartTogether() async throws {
        let own = Migration(source: "test", version: 1, name: "widgets", sql: "CREATE TABLE widgets (id int PRIMARY KEY);")
        try await TestDatabase.with(migrations: []) { database in
            // Three replicas starting at the same moment: the advisory lock lets one apply, the rest see it done.
            let applied = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<3 {
                    group.addTask { try await Migrator.migrate(database, Migration.platform + [own], logger: TestEnvironment.logger("m")).count }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            let all = Migration.platform.count + 1
            #expect(applied.sorted() == [0, 0, all])
            let recorded = try await database.count("SELECT count(*) FROM schema_migrations")
            #expect(recorded == all)
        }
    }

    @Test func aFailingMigrationLeavesNothingBehind() async throws {
        let broken = Migration(source: "test", version: 1, name: "broken", sql: "CREATE TABLE ok (id int);\nCREATE TABLE ok (id int);")
        try await TestDatabase.with(migrations: []) { database in
            await #expect(throws: DatabaseError.self) {
                try await Migrator.migrate(database, [broken], logger: TestEnvironment.logger("m"))
            }
            let tables = try await database.count("SELECT count(*) FROM information_schema.tables WHERE table_schema = \(database.schema) AND table_name = 'ok'")
            #expect(tables == 0, "the first statement is rolled back with the failing second")
        }
    }
}

@Suite(.integration) struct SchemaIsolationTests {
    /// Each service role reaches its own schema only: the database itself refuses the rest.
    @Test func aServiceRoleCannotReadAnotherServicesSchema() async throws {
        let accounts = try TestDatabase.configuration(role: "accounts", schema: "accounts")
        try await TestDatabase.running(accounts) { database in
            let logger = TestEnvironment.logger("isolation")
            try await Migrator.migrate(database, Migration.platform, logger: logger)
            // Its own schema: fine.
            try await database.transaction { connection in
                try await connection.query("SELECT count(*) FROM accounts.schema_migrations", logger: logger)
            }
            for other in ["matchmaking", "messaging", "marketing", "complaints", "data_rights"] {
                let error = await #expect(throws: (any Error).self) {
                    try await database.transaction { connection in
                        try await connection.query(PostgresQuery(unsafeSQL: "SELECT * FROM \(other).outbox"), logger: logger)
                    }
                }
                #expect(error?.sqlState == "42501", "insufficient privilege on \(other)")
            }
            let create = await #expect(throws: (any Error).self) {
                try await database.transaction { connection in
                    try await connection.query("CREATE TABLE public.sneaky (id int)", logger: logger)
                }
            }
            #expect(create?.sqlState == "42501")
        }
    }
}
