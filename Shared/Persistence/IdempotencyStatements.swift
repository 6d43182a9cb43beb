import Foundation
import PostgresNIO

// The statements of every write that carries an Idempotency-Key (the web app sends one with each
// change), prepared: PostgreSQL plans them once per connection.

/// One request's use of a key: whose key, for which kind of request, and the request's fingerprint.
struct KeyClaim: Sendable {
    let scope: String
    let key: String
    let requestType: String
    let request: Data

    func append(to bindings: inout PostgresBindings) throws {
        bindings.append(scope)
        bindings.append(key)
        bindings.append(requestType)
        try bindings.append(request)
    }
}

/// Holds the key until the transaction ends, so a concurrent retry waits instead of applying twice.
struct KeyLock: PostgresPreparedStatement {
    static let sql = "SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))"
    typealias Row = Void

    let claim: KeyClaim

    func makeBindings() -> PostgresBindings {
        var bindings = PostgresBindings()
        bindings.append(claim.scope)
        bindings.append(claim.key)
        return bindings
    }

    func decodeRow(_: PostgresRow) {}
}

/// The reply stored under the key, and whether it was stored for this same request.
struct StoredReply: PostgresPreparedStatement {
    static let sql = """
        SELECT request_type = $3 AND request_hash = encode(sha256($4), 'hex'), response
        FROM idempotency_keys WHERE scope = $1 AND key = $2
        """
    typealias Row = (Bool, Data)

    let claim: KeyClaim

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings()
        try claim.append(to: &bindings)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
}

/// Stores the first reply under the key.
struct KeyReply: PostgresPreparedStatement {
    static let sql = """
        INSERT INTO idempotency_keys (scope, key, request_type, request_hash, response)
        VALUES ($1, $2, $3, encode(sha256($4), 'hex'), $5)
        """
    typealias Row = Void

    let claim: KeyClaim
    let response: Data

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings()
        try claim.append(to: &bindings)
        try bindings.append(response)
        return bindings
    }

    func decodeRow(_: PostgresRow) {}
}
