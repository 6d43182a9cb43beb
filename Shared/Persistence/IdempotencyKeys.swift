import Contracts
import MessageBus
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

extension IdempotencyKeys {
    /// A request handler's transaction: once per `key` when the client sent an Idempotency-Key
    /// (a retry gets the first reply), a plain transaction otherwise. `fingerprint` identifies the
    /// request; leave secrets such as passwords out of it, because its hash is stored.
    public static func transaction<Reply: Codable & Sendable>(
        key: String?, scope: String, requestType: String, fingerprint: Data, database: Database, logger: Logger,
        _ body: @escaping (PostgresConnection) async throws -> Reply
    ) async throws -> Reply {
        guard let key else { return try await database.transaction(body) }
        guard (1...255).contains(key.utf8.count), key.unicodeScalars.allSatisfy({ (0x21...0x7E).contains($0.value) }) else {
            throw Problem(status: 400, code: "invalid-idempotency-key", title: "The Idempotency-Key header is invalid",
                          detail: "use 1 to 255 printable ASCII characters, e.g. a UUID")
        }
        do {
            let reply = try await once(
                scope: scope, key: key, requestType: requestType, request: fingerprint, database: database, logger: logger
            ) { connection in try MessageCodec.encode(try await body(connection)) }
            return try MessageCodec.decode(Reply.self, from: reply)
        } catch let error as DatabaseError where error.code == .idempotencyKeyReused {
            throw Problem(status: 422, code: "idempotency-key-reused", title: "This Idempotency-Key belongs to another request",
                          detail: "send a new key for a new request")
        }
    }
}
