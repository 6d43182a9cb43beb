import Contracts
import Foundation
import MessageBus
import Persistence
import ServiceRuntime

/// The accounts service's data-rights part: a person's account, company card, sessions, sign-in
/// records and the verification decisions about them; erasure anonymises the account in place
/// (other records point at it) and ends its sessions everywhere.
struct AccountsPersonalData: PersonalDataPart {
    let settings: AccountsSettings

    func export(_ task: DataSubjectTask, in transaction: Transaction) async throws -> (categories: [PersonalDataCategory], document: String) {
        let id = task.accountID
        var document = Document(account: try await AccountRecords.fetch(id, on: transaction.connection, logger: transaction.logger))
        for try await (sessionID, createdAt, lastSeenAt, expiresAt, ip, userAgent, revokedAt, revokedReason) in try await transaction.query("""
            SELECT id, created_at, last_seen_at, expires_at, ip, user_agent, revoked_at, revoked_reason
            FROM sessions WHERE account_id = \(id) ORDER BY created_at
            """).decode((UUID, Date, Date, Date, String?, String?, Date?, String?).self) {
            document.sessions.append(.init(id: sessionID, createdAt: createdAt, lastSeenAt: lastSeenAt, expiresAt: expiresAt, ip: ip,
                                           userAgent: userAgent, revokedAt: revokedAt, revokedReason: revokedReason))
        }
        for try await (occurredAt, ip, userAgent, outcome, check) in try await transaction.query("""
            SELECT occurred_at, ip, user_agent, outcome, "check" FROM login_records WHERE account_id = \(id) ORDER BY occurred_at
            """).decode((Date, String?, String?, String, String).self) {
            document.logins.append(LoginRecord(occurredAt: occurredAt, ip: ip, userAgent: userAgent,
                                               outcome: LoginRecord.Outcome(rawValue: outcome) ?? .invalidCredentials,
                                               check: LoginRecord.Check(rawValue: check) ?? .signIn))
        }
        for try await (decision, reason, decidedBy, decidedAt) in try await transaction.query("""
            SELECT decision, reason, decided_by, decided_at FROM verification_decisions WHERE account_id = \(id) ORDER BY id
            """).decode((String, String?, UUID, Date).self) {
            guard let decision = VerificationDecision(rawValue: decision) else { continue }
            document.verificationDecisions.append(VerificationRecord(decision: decision, reason: reason, decidedBy: decidedBy, decidedAt: decidedAt))
        }
        return (categories, String(decoding: try MessageCodec.encode(document), as: UTF8.self))
    }

    func erase(_ task: DataSubjectTask, in transaction: Transaction) async throws -> String? {
        let id = task.accountID
        var found: (roles: [String], companyID: UUID?, companyRole: String?)?
        for try await row in try await transaction.query("SELECT roles, company_id, company_role FROM accounts WHERE id = \(id) FOR UPDATE")
            .decode(([String], UUID?, String?).self) { found = row }
        guard let found else { return nil }
        // The company's other members, locked so that none leaves or is demoted meanwhile.
        var colleagues: [String] = []
        for try await role in try await transaction.query("""
            SELECT company_role FROM accounts WHERE company_id = \(found.companyID) AND id <> \(id) AND erased_at IS NULL FOR UPDATE
            """).decode(String.self) { colleagues.append(role) }
        if found.companyRole == CompanyRole.admin.rawValue, !colleagues.isEmpty, !colleagues.contains(CompanyRole.admin.rawValue) {
            return "this is the only admin of a company that has other members: make another member admin, or remove the others "
                + "so that the company closes with this account"
        }
        if found.roles.contains(Role.admin.rawValue) {
            let others = try await transaction.query("""
                SELECT 1 FROM accounts WHERE 'admin' = ANY (roles) AND id <> \(id) AND erased_at IS NULL LIMIT 1
                """)
            var another = false
            for try await _ in others { another = true }
            // Without an admin nobody could verify companies or grant roles again.
            guard another else { return "this is the platform's only admin account: another admin must be appointed first" }
        }
        let ended = try await transaction.query("""
            UPDATE sessions SET revoked_at = now(), revoked_reason = 'account-erased'
            WHERE account_id = \(id) AND revoked_at IS NULL RETURNING id, revoked_at
            """)
        for try await (sessionID, revokedAt) in ended.decode((UUID, Date).self) {
            try await transaction.emit(SessionRevoked(accountID: id, sessionID: sessionID, reason: .accountErased, revokedAt: revokedAt))
        }
        try await transaction.query("DELETE FROM sessions WHERE account_id = \(id)")
        try await transaction.query("DELETE FROM login_records WHERE account_id = \(id)")
        try await transaction.query("DELETE FROM email_tokens WHERE account_id = \(id)")
        // Failed sign-ins at the address (kept a day for the waits they cause) go with it.
        try await transaction.query("""
            DELETE FROM failed_sign_ins WHERE email_hash = sha256(convert_to(lower((SELECT email FROM accounts WHERE id = \(id))), 'UTF8'))
            """)
        // The row stays (verification decisions point at it, and at the admins who made them);
        // everything in it that identifies the person goes.
        try await transaction.query("""
            UPDATE accounts SET email = 'erased-' || id::text || '@erased.invalid', password_hash = '', contact_name = 'Erased user',
                title = NULL, department = NULL, telephone = NULL, roles = '{}', failed_logins = 0, locked_until = NULL,
                erased_at = now(), updated_at = now()
            WHERE id = \(id)
            """)
        // A private buyer's "company" is the person.
        try await transaction.query("""
            UPDATE companies SET name = 'Erased individual purchaser', updated_at = now()
            WHERE id = \(found.companyID) AND business_type = 'individual-purchaser'
            """)
        // Invitations the person sent stay the company's; the last member takes the open ones along.
        if colleagues.isEmpty { try await transaction.query("DELETE FROM company_invitations WHERE company_id = \(found.companyID)") }
        try await transaction.emit(AccountErased(accountID: id, companyID: found.companyID, erasedAt: Date(), companyClosed: colleagues.isEmpty))
        return nil
    }

    var categories: [PersonalDataCategory] {
        [
            .init(name: "account and company profile", purpose: "registering and running the account; the company's public card",
                  legalBasis: "contract", retention: "until the account is cancelled"),
            .init(name: "sessions", purpose: "keeping the user signed in on each device, and letting them end a session",
                  legalBasis: "contract", retention: "30 days after the session ended"),
            .init(name: "sign-in records", purpose: "account security: noticing and investigating sign-ins that were not the user's",
                  legalBasis: "legitimate interest", retention: "\(settings.loginRecordRetentionDays) days"),
            .init(name: "verification decisions", purpose: "verifying the company (KYC) and proving who decided what",
                  legalBasis: "legal obligation", retention: "as long as the company is registered"),
        ]
    }

    struct Document: Codable {
        var account: Account?
        var sessions: [Session] = []
        var logins: [LoginRecord] = []
        var verificationDecisions: [VerificationRecord] = []
    }

    struct Session: Codable {
        var id: UUID
        var createdAt: Date
        var lastSeenAt: Date
        var expiresAt: Date
        var ip: String?
        var userAgent: String?
        var revokedAt: Date?
        var revokedReason: String?
    }
}
