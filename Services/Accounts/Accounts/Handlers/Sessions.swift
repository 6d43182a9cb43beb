import Contracts
import Foundation
import Logging
import MessageBus
import Metrics
import Persistence
import PostgresNIO
import ServiceRuntime

extension AccountsHandlers {
    /// `accounts.create-session.v1`: sign in. Unknown email and wrong password get the same answer
    /// after the same work; repeated failures lock that email at that address for a growing while
    /// (`SignInLock`), unknown emails exactly like known ones; every attempt on a known account is
    /// recorded for its owner.
    @Sendable func createSession(_ request: CreateSession, _ context: RequestContext) async throws -> CreatedSession {
        if (request.email ?? "").isEmpty || (request.password ?? "").isEmpty {
            throw Problem.validationFailed(
                [("email", request.email), ("password", request.password)].filter { ($0.1 ?? "").isEmpty }
                    .map { .init(field: $0.0, message: "is required") })
        }
        // An email no registration could have made (control characters, too long) matches nobody.
        var checks = FieldChecks()
        let email = checks.required("email", request.email, maxLength: 254)
        guard let email, let password = request.password else { throw Problem.invalidCredentials }
        let client = ClientInfo(ip: request.client?.ip?.printable(maxLength: 64), userAgent: request.client?.userAgent?.printable(maxLength: 512))
        try await checkAddress(client.ip, context.logger)
        let attempt = SignInLock.Attempt(email: email, address: client.ip)
        // No account has such an email or password: the same answer, after the same work.
        guard password.count <= PasswordPolicy.maximumLength, checks.errors.isEmpty else {
            try await decoy.verify(password)
            try await recordFailedSignIn(attempt, context.logger)
            throw Problem.invalidCredentials
        }

        let rows = try await database.client.query("""
            SELECT id, password_hash FROM accounts WHERE lower(email) = lower(\(email)) AND erased_at IS NULL
            """, logger: context.logger)
        var found: (id: UUID, hash: String)?
        for try await (id, hash) in rows.decode((UUID, String).self) { found = (id, hash) }
        // Locked or not is told before any password is checked, the same for an unknown email.
        if let lockedUntil = try await signInLock.lockedUntil(attempt, account: found?.id, logger: context.logger) {
            if let found { try await recordAttempt(found.id, client, .accountLocked, .signIn, context.logger) }
            Self.count(LoginRecord.Outcome.accountLocked.rawValue)
            throw Problem.accountLocked(until: lockedUntil)
        }
        guard let found else {
            try await decoy.verify(password)
            try await recordFailedSignIn(attempt, context.logger)
            Self.count("unknown-email")
            throw Problem.invalidCredentials
        }
        guard try await hasher.verify(password, against: found.hash) else {
            try await recordAttempt(found.id, client, .invalidCredentials, .signIn, context.logger)
            try await recordFailedSignIn(attempt, context.logger)
            Self.count("wrong-password")
            throw Problem.invalidCredentials
        }
        let newHash = hasher.needsRehash(found.hash) ? try await hasher.hash(password) : nil
        let token = SecretToken.generate()
        let sessionID = UUID()
        let expiresAt = Date().addingTimeInterval(settings.sessionLifetime.seconds)
        let account = try await database.transaction(context) { transaction in
            try await transaction.query("""
                UPDATE accounts SET failed_logins = 0, locked_until = NULL, password_hash = coalesce(\(newHash), password_hash)
                WHERE id = \(found.id)
                """)
            try await transaction.query("""
                INSERT INTO sessions (id, account_id, token_hash, expires_at, ip, user_agent)
                VALUES (\(sessionID), \(found.id), \(SecretToken.hash(token)), \(expiresAt), \(client.ip), \(client.userAgent))
                """)
            try await insertAttempt(found.id, client, .succeeded, .signIn, on: transaction.connection, context.logger)
            try await SignInLock.forget(attempt, on: transaction.connection, logger: context.logger)
            return try await AccountRecords.require(found.id, on: transaction.connection, logger: context.logger)
        }
        if newHash != nil { context.logger.info("password rehashed with new parameters", metadata: ["parameters": "\(hasher.parameters)"]) }
        Self.count(LoginRecord.Outcome.succeeded.rawValue)
        return CreatedSession(token: token, sessionID: sessionID, expiresAt: expiresAt, account: account)
    }

    /// Sign-ins by outcome on `/metrics`: a rise in failures is how guessing shows.
    private static func count(_ outcome: String) {
        Counter(label: "expo_sign_ins_total", dimensions: [("outcome", outcome)]).increment()
    }

    /// `accounts.authenticate-session.v1`: who a bearer token belongs to, if its session is alive.
    @Sendable func authenticateSession(_ request: AuthenticateSession, _ context: RequestContext) async throws -> AuthenticatedSession {
        guard SecretToken.isWellFormed(request.token) else { throw Problem.unauthorized("the token is invalid, expired or revoked") }
        let idle = Int(settings.sessionIdleTimeout.seconds)
        let rows = try await database.client.query("""
            SELECT s.id, s.account_id, a.company_id, a.roles, least(s.expires_at, now() + make_interval(secs => \(idle))),
                   s.last_seen_at < now() - interval '30 seconds'
            FROM sessions s JOIN accounts a ON a.id = s.account_id
            WHERE s.token_hash = \(SecretToken.hash(request.token)) AND s.revoked_at IS NULL AND s.expires_at > now()
              AND s.last_seen_at > now() - make_interval(secs => \(idle))
            """, logger: context.logger)
        for try await (sessionID, accountID, companyID, roles, expiresAt, stale) in rows.decode((UUID, UUID, UUID?, [String], Date, Bool).self) {
            // Touch at most twice a minute: the idle clock needs no finer grain, and reads stay reads.
            if stale {
                try await database.client.query("UPDATE sessions SET last_seen_at = now() WHERE id = \(sessionID)", logger: context.logger)
            }
            return AuthenticatedSession(
                accountID: accountID, companyID: companyID, sessionID: sessionID, roles: roles.compactMap(Role.init(rawValue:)).sorted(), expiresAt: expiresAt)
        }
        throw Problem.unauthorized("the token is invalid, expired or revoked")
    }

    /// `accounts.end-session.v1`: sign out of the current session, or end another of one's own.
    @Sendable func endSession(_ request: EndSession, _ context: RequestContext) async throws -> NoContent {
        let actor = try context.caller()
        guard let sessionID = request.sessionID ?? actor.sessionID else { throw Problem.notFound("the request came without a session to end") }
        let reason: SessionRevoked.Reason = request.sessionID == nil || request.sessionID == actor.sessionID ? .logout : .endedByUser
        // A retried sign-out whose first attempt went through gets its 204, not a 404.
        let ended = try await database.transaction(context, idempotent: try MessageCodec.encode(request)) { transaction in
            let rows = try await transaction.query("""
                UPDATE sessions SET revoked_at = now(), revoked_reason = \(reason.rawValue)
                WHERE id = \(sessionID) AND account_id = \(actor.accountID) AND revoked_at IS NULL AND expires_at > now()
                RETURNING revoked_at
                """)
            for try await revokedAt in rows.decode(Date.self) {
                try await transaction.emit(SessionRevoked(accountID: actor.accountID, sessionID: sessionID, reason: reason, revokedAt: revokedAt))
                return true
            }
            return false
        }
        guard ended else { throw Problem.notFound("no active session with id \(sessionID)") }
        return NoContent()
    }

    /// `accounts.list-sessions.v1`: the caller's live sessions, newest first.
    @Sendable func listSessions(_ request: ListSessions, _ context: RequestContext) async throws -> Page<SessionInfo> {
        let actor = try context.caller()
        let (limit, after) = try Cursor.read(request.page)
        let idle = Int(settings.sessionIdleTimeout.seconds)
        let rows = try await database.client.query("""
            SELECT id, created_at, last_seen_at, least(expires_at, last_seen_at + make_interval(secs => \(idle))), ip, user_agent,
                   floor(extract(epoch FROM created_at) * 1000000)::int8
            FROM sessions
            WHERE account_id = \(actor.accountID) AND revoked_at IS NULL AND expires_at > now()
              AND last_seen_at > now() - make_interval(secs => \(idle))
              AND (floor(extract(epoch FROM created_at) * 1000000)::int8, id::text) < (\(after.position), \(after.id))
            ORDER BY 7 DESC, id::text DESC LIMIT \(limit + 1)
            """, logger: context.logger)
        var items: [(SessionInfo, Cursor)] = []
        for try await (id, createdAt, lastSeenAt, expiresAt, ip, userAgent, position) in rows.decode(
            (UUID, Date, Date, Date, String?, String?, Int64).self)
        {
            items.append((SessionInfo(id: id, createdAt: createdAt, lastSeenAt: lastSeenAt, expiresAt: expiresAt, ip: ip,
                                      userAgent: userAgent, current: id == actor.sessionID),
                          Cursor(position: position, id: id.uuidString.lowercased())))
        }
        return Cursor.page(items, limit: limit)
    }

    /// `accounts.list-logins.v1`: the attempts on the caller's password, newest first.
    @Sendable func listLogins(_ request: ListLogins, _ context: RequestContext) async throws -> Page<LoginRecord> {
        let actor = try context.caller()
        let (limit, after) = try Cursor.read(request.page)
        let rows = try await database.client.query("""
            SELECT id, occurred_at, ip, user_agent, outcome, "check", floor(extract(epoch FROM occurred_at) * 1000000)::int8
            FROM login_records
            WHERE account_id = \(actor.accountID)
              AND (floor(extract(epoch FROM occurred_at) * 1000000)::int8, lpad(id::text, 20, '0')) < (\(after.position), \(after.id))
            ORDER BY 7 DESC, id DESC LIMIT \(limit + 1)
            """, logger: context.logger)
        var items: [(LoginRecord, Cursor)] = []
        for try await (id, occurredAt, ip, userAgent, outcome, check, position) in rows.decode((Int64, Date, String?, String?, String, String, Int64).self) {
            let record = LoginRecord(occurredAt: occurredAt, ip: ip, userAgent: userAgent,
                                     outcome: LoginRecord.Outcome(rawValue: outcome) ?? .invalidCredentials,
                                     check: LoginRecord.Check(rawValue: check) ?? .signIn)
            items.append((record, Cursor(position: position, id: String(repeating: "0", count: max(0, 20 - String(id).count)) + String(id))))
        }
        return Cursor.page(items, limit: limit)
    }
}
