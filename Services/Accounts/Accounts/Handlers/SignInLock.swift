import Contracts
import Crypto
import Foundation
import Logging
import Persistence
import PostgresNIO

/// When sign-ins wait. Failures are counted per email and source address (`failed_sign_ins`,
/// kept a day), the email's SHA-256 standing for it, so an unknown email locks exactly like a
/// known one and the answer says nothing about which exists:
///
/// - one email at one address: after `lockoutThreshold` failures, that pair waits
///   `lockoutDuration`, doubling with every further `lockoutThreshold` failures (at most a day);
///   the owner at any other address is not held up by a stranger's guesses;
/// - one email from many addresses: after four times the threshold within `lockoutDuration`,
///   addresses the account never signed in from wait too, while those it used in the last 90
///   days go on.
///
/// A successful sign-in forgets the pair's failures.
struct SignInLock {
    struct Attempt {
        let emailHash: Data
        let address: String

        init(email: String, address: String?) {
            emailHash = Data(SHA256.hash(data: Data(email.lowercased().utf8)))
            self.address = address ?? "unknown"
        }
    }

    /// How long failures are remembered, and the longest wait.
    static let memory = 86_400

    let database: Database
    let settings: AccountsSettings

    /// Until when `attempt` waits, or nil if it may go ahead.
    func lockedUntil(_ attempt: Attempt, account: UUID?, logger: Logger) async throws -> Date? {
        let threshold = settings.lockoutThreshold
        let base = Int(settings.lockoutDuration.seconds)
        // One read of the email's failures in the last day: this address's, and everyone's lately.
        let rows = try await database.client.query("""
            SELECT count(*) FILTER (WHERE address = \(attempt.address))::int,
                   max(occurred_at) FILTER (WHERE address = \(attempt.address)),
                   count(*) FILTER (WHERE occurred_at > now() - make_interval(secs => \(base)))::int,
                   min(occurred_at) FILTER (WHERE occurred_at > now() - make_interval(secs => \(base)))
            FROM failed_sign_ins
            WHERE email_hash = \(attempt.emailHash) AND occurred_at > now() - make_interval(secs => \(Self.memory))
            """, logger: logger)
        var failures = (here: 0, lastHere: Date?.none, lately: 0, firstLately: Date?.none)
        for try await row in rows.decode((Int, Date?, Int, Date?).self) { failures = row }
        if failures.here >= threshold, let last = failures.lastHere {
            let doublings = min(16, (failures.here - threshold) / threshold)
            let until = last.addingTimeInterval(min(Double(Self.memory), Double(base) * pow(2, Double(doublings))))
            if until > Date() { return until }
        }
        if failures.lately >= 4 * threshold {
            if let account, try await usedBefore(attempt.address, by: account, logger: logger) { return nil }
            return (failures.firstLately ?? Date()).addingTimeInterval(Double(base))
        }
        return nil
    }

    private func usedBefore(_ address: String, by account: UUID, logger: Logger) async throws -> Bool {
        let rows = try await database.client.query("""
            SELECT EXISTS (SELECT 1 FROM login_records WHERE account_id = \(account) AND ip = \(address)
                           AND outcome = 'succeeded' AND "check" = 'sign-in' AND occurred_at > now() - interval '90 days')
            """, logger: logger)
        for try await used in rows.decode(Bool.self) { return used }
        return false
    }

    /// After a successful sign-in: the pair starts afresh.
    static func forget(_ attempt: Attempt, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("""
            DELETE FROM failed_sign_ins WHERE email_hash = \(attempt.emailHash) AND address = \(attempt.address)
            """, logger: logger)
    }
}
