import Contracts
import Foundation
import MessageBus
import Persistence
import PostgresNIO

/// The companies matchmaking knows and their members, kept from accounts' events (registered,
/// joined, removed, profile changed, verification decided or expired, erased) and never asked for per request. A change to a company rewrites
/// whether its products are listed, in the same transaction, so a withdrawn verification or a
/// cancelled account hides them at once.
enum CompanyDirectory {
    static func register(into handlers: inout TransactionalEventHandlers) {
        handlers.register(AccountRegistered.self) { event, transaction in
            guard let company = event.company else { return }
            try await join(event.accountID, company, at: event.registeredAt, on: transaction)
        }
        handlers.register(CompanyMemberJoined.self) { event, transaction in
            try await join(event.accountID, event.company, at: event.joinedAt, on: transaction)
        }
        handlers.register(CompanyMemberRemoved.self) { event, transaction in
            try await transaction.query("DELETE FROM members WHERE account_id = \(event.accountID) AND company_id = \(event.companyID)")
        }
        handlers.register(AccountProfileChanged.self) { event, transaction in
            guard let company = event.company else { return }
            // Events may be handled out of order: an older card never overwrites a newer one.
            let rows = try await transaction.query("""
                UPDATE companies SET
                    name = CASE WHEN card_changed_at <= \(event.changedAt) THEN \(company.name) ELSE name END,
                    industry = CASE WHEN card_changed_at <= \(event.changedAt) THEN \(company.industry) ELSE industry END,
                    country = CASE WHEN card_changed_at <= \(event.changedAt) THEN \(company.country) ELSE country END,
                    verification_under_review = CASE
                        WHEN verification_changed_at IS NULL OR verification_changed_at <= \(event.changedAt) THEN \(company.underReview ?? false)
                        ELSE verification_under_review END,
                    card_changed_at = greatest(card_changed_at, \(event.changedAt))
                WHERE company_id = \(company.id) RETURNING 1
                """)
            guard try await rows.exists else { throw CompanyNotYetKnown(companyID: company.id) }
            try await relist(company.id, on: transaction)
        }
        handlers.register(VerificationDecided.self) { event, transaction in
            guard let companyID = event.companyID else { return }
            try await verify(companyID, event.status == .approved, at: event.record.decidedAt, on: transaction)
        }
        handlers.register(VerificationExpired.self) { event, transaction in
            try await verify(event.companyID, false, at: event.expiredAt, on: transaction)
        }
        handlers.register(AccountErased.self) { event, transaction in
            try await MatchmakingPersonalData.forget(event.accountID, on: transaction)
            guard let companyID = event.closedCompanyID else { return }
            // The company's last member is gone: the company is cancelled, its showcase removed and
            // its products unpublished and no longer attributed to anyone, its open RFQs closed.
            try await transaction.query("UPDATE companies SET cancelled = true WHERE company_id = \(companyID)")
            try await transaction.query("DELETE FROM exhibitors WHERE company_id = \(companyID)")
            try await transaction.query("""
                UPDATE rfqs SET status = 'closed', closed_at = now() WHERE buyer_company_id = \(companyID) AND status = 'open'
                """)
            try await transaction.query("""
                UPDATE products SET status = 'draft', created_by = NULL, updated_by = NULL WHERE company_id = \(companyID)
                """)
            try await relist(companyID, on: transaction)
        }
    }

    /// The company is verified or not as of `time`: events may be handled out of order, and an
    /// older one never overrides a newer one. Its products are listed accordingly.
    static func verify(_ companyID: UUID, _ verified: Bool, at time: Date, on transaction: Transaction) async throws {
        let rows = try await transaction.query("""
            UPDATE companies SET
                verified = CASE WHEN verification_changed_at IS NULL OR verification_changed_at <= \(time) THEN \(verified) ELSE verified END,
                verification_under_review = verification_under_review AND coalesce(verification_changed_at > \(time), false),
                verification_changed_at = greatest(verification_changed_at, \(time))
            WHERE company_id = \(companyID) RETURNING 1
            """)
        guard try await rows.exists else { throw CompanyNotYetKnown(companyID: companyID) }
        try await relist(companyID, on: transaction)
    }

    /// A person acts for `company` (which is known from then on, if it was not yet).
    static func join(_ accountID: UUID, _ company: CompanyCard, at time: Date, on transaction: Transaction) async throws {
        guard try await !PersonalDataRegister.isErased(accountID, on: transaction) else { return }
        try await transaction.query("""
            INSERT INTO companies (company_id, name, business_type, industry, country, verified, card_changed_at)
            VALUES (\(company.id), \(company.name), \(company.businessType.rawValue), \(company.industry), \(company.country),
                    \(company.verified), \(time))
            ON CONFLICT (company_id) DO NOTHING
            """)
        try await transaction.query("""
            INSERT INTO members (account_id, company_id) VALUES (\(accountID), \(company.id)) ON CONFLICT DO NOTHING
            """)
    }

    /// Recomputes which of the company's products are listed, their country and their listings.
    static func relist(_ companyID: UUID, on transaction: Transaction) async throws {
        var ids: [UUID] = []
        for try await id in try await transaction.query("SELECT id FROM products WHERE company_id = \(companyID)").decode(UUID.self) {
            ids.append(id)
        }
        try await ProductRecords.derive(ids, on: transaction)
    }
}

/// A company's card as matchmaking knows it.
struct KnownCompany: Sendable {
    var id: UUID
    var name: String
    var businessType: String
    var industry: String
    var country: String
    var verified: Bool
    var cancelled: Bool

    static let columns = "c.company_id, c.name, c.business_type, c.industry, c.country, c.verified, c.cancelled"

    static func find(_ id: UUID, on connection: PostgresConnection, logger: Logger) async throws -> KnownCompany? {
        let rows = try await connection.query("""
            SELECT \(unescaped: columns) FROM companies c WHERE c.company_id = \(id)
            """, logger: logger)
        for try await (id, name, type, industry, country, verified, cancelled) in rows.decode((UUID, String, String, String, String, Bool, Bool).self) {
            return KnownCompany(id: id, name: name, businessType: type, industry: industry, country: country, verified: verified, cancelled: cancelled)
        }
        return nil
    }
}

struct CompanyNotYetKnown: ArrivedTooEarly, CustomStringConvertible {
    let companyID: UUID
    var description: String { "no company \(companyID) yet" }
}
