import Foundation
import MessageBus
import Persistence
import PostgresNIO
import Testing
import TestSupport

/// How a transaction ends when its connection does not survive it.
@Suite(.integration) struct TransactionTests {
    let logger = TestEnvironment.logger("transaction-test")

    struct Stopped: Error {}

    /// PostgresNIO never answers a statement sent on a connection it has closed, so a ROLLBACK sent
    /// after the server went away used to wait forever: the replica hang after a PostgreSQL crash.
    @Test func aTransactionWhoseConnectionTheServerClosedEndsInsteadOfWaitingForever() async throws {
        try await TestDatabase.with { database in
            let outcome: Result<Void, any Error>
            do {
                try await withTimeLimit(.seconds(60)) {
                    try await database.transaction { connection in
                        try await connection.query("CREATE TABLE kept (id int)", logger: logger)
                        // The server ends this backend, as it ends every one when it crashes.
                        try await database.withConnection { other in
                            for try await _ in try await other.query(
                                "SELECT pg_terminate_backend(\(try await backendPID(of: connection)))", logger: logger) {}
                        }
                        while !connection.isClosed { try await Task.sleep(for: .milliseconds(10)) }
                        throw Stopped()
                    }
                }
                outcome = .success(())
            } catch {
                outcome = .failure(error)
            }
            #expect(throws: Stopped.self) { try outcome.get() }
            // The server rolled the transaction back, and the pool goes on with a new connection.
            let kept = try await database.withConnection { connection in
                try await connection.query("SELECT to_regclass('kept') IS NOT NULL", logger: logger).collect().first?.decode(Bool.self)
            }
            #expect(kept == false)
        }
    }

    func backendPID(of connection: PostgresConnection) async throws -> Int32 {
        for try await pid in try await connection.query("SELECT pg_backend_pid()", logger: logger).decode(Int32.self) { return pid }
        throw Stopped()
    }
}
