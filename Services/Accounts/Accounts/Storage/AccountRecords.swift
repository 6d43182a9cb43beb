import Contracts
import Foundation
import Logging
import PostgresNIO

/// Reads accounts as the user center shows them: the account, its company, the person's role in
/// it and the company's latest verification decision, in one query. Public for the benchmark's baseline, which runs the same read.
public enum AccountRecords {
    /// The columns `decode` expects, from `accounts a` joined to its company and last decision.
    static let select = select(from: "accounts")

    /// `select` over `source` in place of the `accounts` table: a CTE's `UPDATE accounts ... RETURNING *`
    /// reads the row it changed, as it now is, in the same statement.
    static func select(from source: String) -> String {
        """
        SELECT a.id, a.email, a.contact_name, a.title, a.department, a.telephone, a.roles, coalesce(c.verification_status, 'pending'),
               a.created_at, a.updated_at, c.id, c.name, c.business_type, c.industry, c.country,
               d.decision, d.reason, d.decided_by, d.decided_at,
               floor(extract(epoch FROM a.created_at) * 1000000)::int8, a.email_verified_at IS NOT NULL, a.language, a.company_role,
               c.verified_until,
               coalesce(a.consent_policy_sequence, 0) < coalesce((SELECT substantial_sequence FROM privacy_policy_state), 1)
        FROM \(source) a
        LEFT JOIN companies c ON c.id = a.company_id
        LEFT JOIN LATERAL (
            SELECT decision, reason, decided_by, decided_at FROM verification_decisions
            WHERE company_id = a.company_id ORDER BY id DESC LIMIT 1
        ) d ON true
        """
    }

    typealias Row = (
        UUID, String, String, String?, String?, String?, [String], String, Date, Date,
        UUID?, String?, String?, String?, String?, String?, String?, UUID?, Date?, Int64, Bool, String, String?, Date?, Bool
    )

    /// The account, and its position for paging (microseconds of `created_at`).
    static func decode(_ row: Row) -> (account: Account, position: Int64) {
        let (id, email, contactName, title, department, telephone, roles, status, createdAt, updatedAt,
             companyID, companyName, businessType, industry, country, decision, reason, decidedBy, decidedAt, position, emailVerified, language, companyRole, verifiedUntil,
             consentRequired) = row
        var company: Company?
        if let companyID, let companyName, let type = businessType.flatMap(BusinessType.init(rawValue:)), let industry, let country {
            company = Company(id: companyID, name: companyName, businessType: type, industry: industry, country: country)
        }
        var verification: VerificationRecord?
        if let decision = decision.flatMap(VerificationDecision.init(rawValue:)), let decidedBy, let decidedAt {
            verification = VerificationRecord(decision: decision, reason: reason, decidedBy: decidedBy, decidedAt: decidedAt)
        }
        let account = Account(
            id: id, email: email, emailVerified: emailVerified, contactName: contactName, title: title, department: department, telephone: telephone,
            language: Language(rawValue: language) ?? .en, company: company, companyRole: companyRole.flatMap(CompanyRole.init(rawValue:)), roles: roles.compactMap(Role.init(rawValue:)).sorted(),
            verificationStatus: VerificationStatus(rawValue: status) ?? .pending, verification: verification, verifiedUntil: verifiedUntil,
            consentRequired: consentRequired, createdAt: createdAt, updatedAt: updatedAt)
        return (account, position)
    }

    public static func fetch(_ id: UUID, on connection: PostgresConnection, logger: Logger) async throws -> Account? {
        for try await row in try await connection.execute(AccountByID(id: id), logger: logger) { return decode(row).account }
        return nil
    }

    /// The account, or the 404 its owner or an admin gets for an id that does not exist.
    static func require(_ id: UUID, on connection: PostgresConnection, logger: Logger) async throws -> Account {
        guard let account = try await fetch(id, on: connection, logger: logger) else {
            throw Problem.notFound("no account with id \(id)")
        }
        return account
    }
}
