import Contracts
import Foundation
import MessageBus
import Persistence
import PostgresNIO

/// What messaging knows of other services' data, kept from their events and never asked for per
/// request: companies and their members (accounts), and who took part in which RFQ and quote
/// (matchmaking), which decides who may talk about them.
enum Directory {
    static func register(into handlers: inout TransactionalEventHandlers) {
        handlers.register(AccountRegistered.self) { event, transaction in
            guard let company = event.company else { return }
            try await join(event.accountID, company, at: event.registeredAt, on: transaction)
        }
        handlers.register(CompanyMemberJoined.self) { event, transaction in
            try await join(event.accountID, event.company, at: event.joinedAt, on: transaction)
        }
        handlers.register(CompanyMemberRemoved.self) { event, transaction in
            // Their live feed stops with their membership; what they wrote stays theirs.
            try await transaction.query("DELETE FROM members WHERE account_id = \(event.accountID) AND company_id = \(event.companyID)")
        }
        handlers.register(AccountProfileChanged.self) { event, transaction in
            guard let company = event.company else { return }
            // Events may be handled out of order: an older name never overwrites a newer one.
            try await transaction.query("""
                UPDATE companies SET name = \(company.name), card_changed_at = \(event.changedAt)
                WHERE company_id = \(company.id) AND card_changed_at <= \(event.changedAt)
                """)
        }
        handlers.register(AccountErased.self) { event, transaction in
            try await MessagingPersonalData.forget(event.accountID, on: transaction)
            if let companyID = event.closedCompanyID {
                try await transaction.query("UPDATE companies SET cancelled = true WHERE company_id = \(companyID)")
            }
        }
        handlers.register(RFQPosted.self) { event, transaction in
            try await transaction.query("""
                INSERT INTO rfqs (rfq_id, buyer_company_id, title, matched)
                VALUES (\(event.rfqID), \(event.buyerCompanyID), \(event.title ?? "Purchasing requirement"), \(event.matchedCompanyIDs))
                ON CONFLICT (rfq_id) DO NOTHING
                """)
            try await Notifications.notify(
                companies: event.matchedCompanyIDs, type: "rfq-matched", title: "A new RFQ matches your products: \(event.title ?? "purchasing requirement")",
                data: ["rfqId": event.rfqID.uuidString.lowercased()], at: event.postedAt ?? Date(), on: transaction)
        }
        handlers.register(QuoteSubmitted.self) { event, transaction in
            try await transaction.query("""
                INSERT INTO quotes (quote_id, rfq_id, buyer_company_id, supplier_company_id)
                VALUES (\(event.quoteID), \(event.rfqID), \(event.buyerCompanyID), \(event.supplierCompanyID))
                ON CONFLICT (quote_id) DO NOTHING
                """)
            let supplier = try await companyName(event.supplierCompanyID, on: transaction)
            try await Notifications.notify(
                companies: [event.buyerCompanyID], type: "quote-received", title: "\(supplier) sent a quote on your RFQ",
                data: ["rfqId": event.rfqID.uuidString.lowercased(), "quoteId": event.quoteID.uuidString.lowercased()],
                at: event.submittedAt, on: transaction)
        }
        handlers.register(QuoteDecided.self) { event, transaction in
            let outcome = event.status == .accepted ? "accepted" : "declined"
            try await Notifications.notify(
                companies: [event.supplierCompanyID], type: "quote-decided", title: "Your quote was \(outcome)",
                data: ["rfqId": event.rfqID.uuidString.lowercased(), "quoteId": event.quoteID.uuidString.lowercased(), "status": event.status.rawValue],
                at: event.decidedAt, on: transaction)
        }
        handlers.register(RFQExpired.self) { event, transaction in
            try await Notifications.notify(
                companies: [event.buyerCompanyID], type: "rfq-expired", title: "Your RFQ reached its deadline and takes no more quotes",
                data: ["rfqId": event.rfqID.uuidString.lowercased()], at: event.expiredAt, on: transaction)
        }
    }

    /// A person acts for `company` (which is known from then on, if it was not yet).
    static func join(_ accountID: UUID, _ company: CompanyCard, at time: Date, on transaction: Transaction) async throws {
        guard try await !PersonalDataRegister.isErased(accountID, on: transaction) else { return }
        try await transaction.query("""
            INSERT INTO companies (company_id, name, business_type, card_changed_at)
            VALUES (\(company.id), \(company.name), \(company.businessType.rawValue), \(time))
            ON CONFLICT (company_id) DO NOTHING
            """)
        try await transaction.query("""
            INSERT INTO members (account_id, company_id) VALUES (\(accountID), \(company.id)) ON CONFLICT DO NOTHING
            """)
    }

    static func companyName(_ id: UUID, on transaction: Transaction) async throws -> String {
        for try await name in try await transaction.query("SELECT name FROM companies WHERE company_id = \(id)").decode(String.self) {
            return name
        }
        return "A supplier"
    }
}

/// A company as messaging knows it.
struct KnownCompany: Sendable {
    var id: UUID
    var name: String
    var businessType: BusinessType?
    var cancelled: Bool

    static func find(_ id: UUID, on transaction: Transaction) async throws -> KnownCompany? {
        let rows = try await transaction.query("SELECT company_id, name, business_type, cancelled FROM companies WHERE company_id = \(id)")
        for try await (id, name, type, cancelled) in rows.decode((UUID, String, String, Bool).self) {
            return KnownCompany(id: id, name: name, businessType: BusinessType(rawValue: type), cancelled: cancelled)
        }
        return nil
    }
}
