import Contracts
import Foundation
import Logging
import Persistence
import PostgresNIO
import ServiceRuntime

/// Every attempt on an account's password, at sign-in or as the current password given through a
/// session: recorded for its owner (`/v1/me/logins`). Wrong current passwords lock the account's
/// password checks through sessions (a stolen session guesses no faster than a stranger), while
/// the owner can still sign in and change it; sign-ins wait by `SignInLock` and `checkAddress`.
extension AccountsHandlers {
    /// Counts a wrong current password; the one that reaches the threshold locks the account's
    /// password checks. A lock that has run out starts the count afresh.
    func recordFailure(_ accountID: UUID, _ client: ClientInfo, _ logger: Logger) async throws {
        let threshold = settings.lockoutThreshold
        let lockSeconds = Int(settings.lockoutDuration.seconds)
        try await database.transaction { connection in
            try await connection.query("""
                UPDATE accounts SET
                    failed_logins = CASE WHEN locked_until IS NOT NULL THEN 1 ELSE failed_logins + 1 END,
                    locked_until = CASE
                        WHEN (CASE WHEN locked_until IS NOT NULL THEN 1 ELSE failed_logins + 1 END) >= \(threshold)
                        THEN now() + make_interval(secs => \(lockSeconds)) END
                WHERE id = \(accountID)
                """, logger: logger)
            try await insertAttempt(accountID, client, .invalidCredentials, .currentPassword, on: connection, logger)
        }
    }

    func recordAttempt(
        _ accountID: UUID, _ client: ClientInfo, _ outcome: LoginRecord.Outcome, _ check: LoginRecord.Check, _ logger: Logger
    ) async throws {
        try await database.transaction { connection in
            try await insertAttempt(accountID, client, outcome, check, on: connection, logger)
        }
    }

    func insertAttempt(
        _ accountID: UUID, _ client: ClientInfo, _ outcome: LoginRecord.Outcome, _ check: LoginRecord.Check,
        on connection: PostgresConnection, _ logger: Logger
    ) async throws {
        try await connection.query("""
            INSERT INTO login_records (account_id, ip, user_agent, outcome, "check")
            VALUES (\(accountID), \(client.ip), \(client.userAgent), \(outcome.rawValue), \(check.rawValue))
            """, logger: logger)
    }

    /// Throws a field error unless `password` is the account's current one; counted like a
    /// sign-in, and refused with 423 while the account is locked. The record names the session's
    /// device and address, where the attempt came through.
    func requirePassword(_ password: String, of actor: Actor, field: String = "currentPassword", logger: Logger) async throws {
        let rows = try await database.client.query("""
            SELECT a.password_hash, a.locked_until, a.failed_logins, s.ip, s.user_agent
            FROM accounts a LEFT JOIN sessions s ON s.id = \(actor.sessionID) AND s.account_id = a.id
            WHERE a.id = \(actor.accountID)
            """, logger: logger)
        var found: (hash: String, lockedUntil: Date?, failures: Int, client: ClientInfo)?
        for try await (hash, lockedUntil, failures, ip, userAgent) in rows.decode((String, Date?, Int, String?, String?).self) {
            found = (hash, lockedUntil, failures, ClientInfo(ip: ip, userAgent: userAgent))
        }
        guard let found else { throw Problem.wrongPassword(field: field) }
        if let lockedUntil = found.lockedUntil, lockedUntil > Date() {
            try await recordAttempt(actor.accountID, found.client, .accountLocked, .currentPassword, logger)
            throw Problem.accountLocked(until: lockedUntil)
        }
        guard try await hasher.verify(password, against: found.hash) else {
            try await recordFailure(actor.accountID, found.client, logger)
            throw Problem.wrongPassword(field: field)
        }
        if found.failures > 0 {
            try await database.client.query("UPDATE accounts SET failed_logins = 0, locked_until = NULL WHERE id = \(actor.accountID)", logger: logger)
        }
    }

    /// Refuses a sign-in from an address with too many recent failures (429, saying when the
    /// oldest of them leaves the window), before any password is checked.
    func checkAddress(_ address: String?, _ logger: Logger) async throws {
        let limit = settings.failuresPerAddress
        guard limit > 0, let address else { return }
        let window = Int(settings.failureWindow.seconds)
        let rows = try await database.client.query("""
            SELECT count(*)::int, ceil(extract(epoch FROM min(occurred_at) + make_interval(secs => \(window)) - now()))::int
            FROM (SELECT occurred_at FROM failed_sign_ins
                  WHERE address = \(address) AND occurred_at > now() - make_interval(secs => \(window))
                  ORDER BY occurred_at DESC LIMIT \(limit)) recent
            """, logger: logger)
        for try await (failures, wait) in rows.decode((Int, Int?).self) where failures >= limit {
            throw Problem(status: 429, code: .tooManyFailedSignIns, title: "Too many failed sign-ins from this address",
                          detail: "sign-ins from this address wait until earlier failures are older", retryAfterSeconds: max(1, wait ?? 1))
        }
    }

    /// Counts a failed sign-in against its email and address (`SignInLock`, `checkAddress`);
    /// failures older than a day go.
    func recordFailedSignIn(_ attempt: SignInLock.Attempt, _ logger: Logger) async throws {
        try await database.client.query("""
            WITH expired AS (DELETE FROM failed_sign_ins WHERE occurred_at < now() - make_interval(secs => \(SignInLock.memory)))
            INSERT INTO failed_sign_ins (address, email_hash) VALUES (\(attempt.address), \(attempt.emailHash))
            """, logger: logger)
    }

    var signInLock: SignInLock { SignInLock(database: database, settings: settings) }
}

extension Problem.Code {
    static let tooManyFailedSignIns = Problem.Code("too-many-failed-sign-ins")
}
