import Contracts
import Foundation
import Logging
import MessageBus
import PostgresNIO

/// Answers a retried write with its first reply: the key is claimed, the effect applied and the
/// reply stored in one transaction, and a concurrent retry waits on the key's lock instead of
/// applying the effect twice. A late original and its retry therefore never both apply.
public enum IdempotencyKeys {
    /// Runs `body` once per (`scope`, `key`); later calls with the same request get the stored
    /// reply, with a different request a `.idempotencyKeyReused` error. A `body` that throws stores
    /// nothing, so the client may retry.
    public static func once(
        scope: String, key: String, requestType: String, request: Data, database: Database,
        context: MessageContext = MessageContext(), deadline: Date? = nil, logger: Logger,
        _ body: (Transaction) async throws -> Data
    ) async throws -> Data {
        try await database.transaction(context: context, deadline: deadline, logger: logger) { transaction in
            let claim = KeyClaim(scope: scope, key: key, requestType: requestType, request: request)
            for try await _ in try await transaction.execute(KeyLock(claim: claim)) {}
            if let stored = try await stored(claim, on: transaction) { return stored }
            let response = try await body(transaction)
            for try await _ in try await transaction.execute(KeyReply(claim: claim, response: response)) {}
            return response
        }
    }

    /// The reply stored for the claim's key, if the key was used; throws if it was used for
    /// another request.
    static func stored(_ claim: KeyClaim, on transaction: Transaction) async throws -> Data? {
        for try await (sameRequest, response) in try await transaction.execute(StoredReply(claim: claim)) {
            guard sameRequest else {
                throw DatabaseError(.idempotencyKeyReused, "this Idempotency-Key was used for a different request")
            }
            return response
        }
        return nil
    }

    /// Keys belong to one caller and one kind of request: another account's key never collides.
    static func scope(of message: IncomingMessage) -> String {
        "\(message.type.rawValue)|\(message.actor.map { $0.accountID.uuidString.lowercased() } ?? "anonymous")"
    }

    /// The request's Idempotency-Key, checked; nil when it has none.
    static func key(of message: IncomingMessage) throws -> String? {
        guard let key = message.idempotencyKey else { return nil }
        guard (1...255).contains(key.utf8.count), key.unicodeScalars.allSatisfy({ (0x21...0x7E).contains($0.value) }) else {
            throw Problem(status: 400, code: .invalidIdempotencyKey, title: "The Idempotency-Key header is invalid",
                          detail: "use 1 to 255 printable ASCII characters, e.g. a UUID")
        }
        return key
    }

    /// The reply a request with this key already got, for handlers whose checks the first
    /// attempt's effect would make fail (a password change no longer knows the old password).
    public static func earlierReply<Reply: Codable & Sendable>(
        to request: RequestContext, fingerprint: Data, database: Database, as _: Reply.Type
    ) async throws -> Reply? {
        guard let key = try key(of: request.message) else { return nil }
        let reply: Data? = try await reused {
            try await database.transaction(context: request.context, logger: request.logger) { transaction -> Data? in
                try await stored(KeyClaim(scope: scope(of: request.message), key: key, requestType: request.message.type.rawValue,
                                          request: fingerprint), on: transaction)
            }
        }
        return try reply.map { try MessageCodec.decode(Reply.self, from: $0) }
    }

    /// `body`, with a key reused for another request answered as the client's mistake (422).
    static func reused<Result>(_ body: () async throws -> Result) async throws -> Result {
        do {
            return try await body()
        } catch let error as DatabaseError where error.code == .idempotencyKeyReused {
            throw Problem(status: 422, code: .idempotencyKeyReused, title: "This Idempotency-Key belongs to another request",
                          detail: "send a new key for a new request")
        }
    }
}

extension Database {
    /// A request handler's transaction, applied once per Idempotency-Key when the request has one
    /// (a retry gets the first reply), and never committed after the caller's deadline.
    /// `fingerprint` identifies the request; leave secrets such as passwords out of it, because
    /// its hash is stored.
    public func transaction<Reply: Codable & Sendable>(
        _ request: RequestContext, idempotent fingerprint: Data, _ body: (Transaction) async throws -> Reply
    ) async throws -> Reply {
        let message = request.message
        guard let key = try IdempotencyKeys.key(of: message) else { return try await transaction(request, body) }
        let reply = try await IdempotencyKeys.reused {
            try await IdempotencyKeys.once(
                scope: IdempotencyKeys.scope(of: message), key: key, requestType: message.type.rawValue, request: fingerprint,
                database: self, context: request.context, deadline: message.deadline, logger: request.logger
            ) { transaction in try MessageCodec.encode(try await body(transaction)) }
        }
        return try MessageCodec.decode(Reply.self, from: reply)
    }
}
