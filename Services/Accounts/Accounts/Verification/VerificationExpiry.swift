import Contracts
import Foundation
import Logging
import MessageBus
import Persistence
import ServiceRuntime

/// Approvals run out: the company's admins are reminded once, the reminder period before, and at
/// the end the company is `expired` (or, while a changed company is reviewed again, no longer
/// listed under its earlier approval). Rows are claimed with `SKIP LOCKED` and changed in the
/// transaction that writes the event, so several replicas announce each once, and a restart
/// catches up from the table. `now` is a parameter so that tests need not wait a year.
enum VerificationExpiry {
    static let interval = Duration.seconds(60)
    static let batch = 200

    static func work(settings: AccountsSettings, database: Database, logger: Logger) -> PeriodicWork {
        PeriodicWork(name: "verification expiry", interval: interval) {
            try await run(now: Date(), settings: settings, database: database, logger: logger)
        }
    }

    /// Reminds and expires what is due at `now`; answers how many of each.
    @discardableResult
    static func run(now: Date, settings: AccountsSettings, database: Database, logger: Logger) async throws -> (reminded: Int, expired: Int) {
        let reminderStart = now.addingTimeInterval(TimeInterval(settings.verificationReminderDays) * 86400)
        return try await database.transaction(context: MessageContext(correlationID: UUID().uuidString), logger: logger) { transaction in
            var reminders: [(UUID, String, Date)] = []
            for try await row in try await transaction.query("""
                WITH due AS (
                    SELECT id FROM companies
                    WHERE verification_status = 'approved' AND verified_until <= \(reminderStart) AND verified_until > \(now)
                      AND expiry_reminded_at IS NULL
                    ORDER BY verified_until LIMIT \(batch) FOR UPDATE SKIP LOCKED
                )
                UPDATE companies c SET expiry_reminded_at = \(now) FROM due WHERE c.id = due.id
                RETURNING c.id, c.name, c.verified_until
                """).decode((UUID, String, Date).self) { reminders.append(row) }
            for (companyID, name, expiresAt) in reminders {
                var admins: [UUID] = []
                for try await id in try await transaction.query("""
                    SELECT id FROM accounts WHERE company_id = \(companyID) AND company_role = 'admin' AND erased_at IS NULL ORDER BY id
                    """).decode(UUID.self) { admins.append(id) }
                try await transaction.emit(VerificationExpiring(companyID: companyID, companyName: name, expiresAt: expiresAt, adminAccountIDs: admins))
            }

            var expired: [UUID] = []
            for try await id in try await transaction.query("""
                WITH due AS (
                    SELECT id FROM companies WHERE verified_until <= \(now)
                    ORDER BY verified_until LIMIT \(batch) FOR UPDATE SKIP LOCKED
                )
                UPDATE companies c SET verified_until = NULL, updated_at = \(now),
                    verification_status = CASE WHEN c.verification_status = 'approved' THEN 'expired' ELSE c.verification_status END
                FROM due WHERE c.id = due.id RETURNING c.id
                """).decode(UUID.self) { expired.append(id) }
            for companyID in expired { try await transaction.emit(VerificationExpired(companyID: companyID, expiredAt: now)) }
            return (reminders.count, expired.count)
        }
    }
}
