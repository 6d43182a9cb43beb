import Foundation
import Logging
import PostgresNIO

/// Answers a retried POST with its first reply: the effect and the stored reply commit together,
/// and a concurrent retry waits on the key's lock instead of running the effect twice.
public enum IdempotencyKeys {
    /// Runs `body` once per (`scope`, `key`); later calls with the same request get the stored
    /// reply, with a different request a `.idempotencyKeyReused` error. A `body` that throws stores
    /// nothing, so the client may retry.
    public static func once(
        scope: String, key: String, requestType: String, request: Data, database: Database, logger: Logger,
        _ body: (PostgresConnection) async throws -> Data
    ) async throws -> Data {
        try await database.transaction { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(hashtext(\(scope)), hashtext(\(key)))", logger: logger)
            let stored = try await connection.query("""
                SELECT request_type = \(requestType) AND request_hash = encode(sha256(\(request)), 'hex'), response
                FROM idempotency_keys WHERE scope = \(scope) AND key = \(key)
                """, logger: logger)
            for try await (sameRequest, response) in stored.decode((Bool, Data).self) {
                guard sameRequest else {
                    throw DatabaseError(.idempotencyKeyReused, "this Idempotency-Key was used for a different request")
                }
                return response
            }
            let response = try await body(connection)
            try await connection.query("""
                INSERT INTO idempotency_keys (scope, key, request_type, request_hash, response)
                VALUES (\(scope), \(key), \(requestType), encode(sha256(\(request)), 'hex'), \(response))
                """, logger: logger)
            return response
        }
    }
}
