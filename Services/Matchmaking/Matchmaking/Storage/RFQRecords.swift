import Contracts
import Foundation
import MessageBus
import Persistence
import PostgresNIO
import ServiceRuntime

/// Reading RFQs and quotes. An open RFQ reads as `expired` once its deadline has passed (`now`),
/// so no quote slips in between the deadline and the expiry timer's next round.
enum RFQRecords {
    static let select = """
        SELECT r.id, r.buyer_company_id, c.name, c.country, r.title, r.category_id, r.description, r.quantity, r.unit,
               r.target_price, r.target_currency, r.destination_country, r.deadline, r.status,
               (SELECT count(*) FROM quotes q WHERE q.rfq_id = r.id), (SELECT count(*) FROM rfq_matches m WHERE m.rfq_id = r.id),
               r.created_at, floor(extract(epoch FROM r.created_at) * 1000000)::int8
        FROM rfqs r JOIN companies c ON c.company_id = r.buyer_company_id
        """

    typealias Row = (UUID, UUID, String, String, String, String, String?, Decimal, String, Decimal?, String?, String, Date, String, Int, Int, Date, Int64)

    static func decode(_ row: Row, viewer: UUID?, now: Date) -> (RFQ, Cursor) {
        let (id, buyer, name, country, title, category, description, quantity, unit, target, currency, destination, deadline, stored,
             quotes, matches, createdAt, position) = row
        var status = RFQStatus(rawValue: stored) ?? .closed
        if status == .open, deadline <= now { status = .expired }
        let rfq = RFQ(
            id: id, buyerCompanyID: buyer, buyerName: name, buyerCountry: country, title: title, categoryID: category,
            description: description, quantity: Quantity(amount: quantity, unit: unit),
            targetPrice: target.flatMap { amount in currency.map { Money(amount: amount, currency: $0) } },
            destinationCountry: destination, deadline: deadline, status: status, quoteCount: quotes,
            matchedSuppliers: viewer == buyer ? matches : nil, createdAt: createdAt)
        return (rfq, Cursor(position: position, id: id.uuidString.lowercased()))
    }

    /// The RFQ if `viewer` is its buyer or a supplier it was matched to; nil otherwise (a 404).
    static func find(
        _ id: UUID, viewer: UUID, now: Date, lock: Bool = false, on connection: PostgresConnection, logger: Logger
    ) async throws -> RFQ? {
        let rows = try await connection.query("""
            \(unescaped: select)
            WHERE r.id = \(id)
              AND (r.buyer_company_id = \(viewer) OR EXISTS (SELECT 1 FROM rfq_matches m WHERE m.rfq_id = r.id AND m.company_id = \(viewer)))
            \(unescaped: lock ? "FOR UPDATE OF r" : "")
            """, logger: logger)
        for try await row in rows.decode(Row.self) { return decode(row, viewer: viewer, now: now).0 }
        return nil
    }

    static let quoteSelect = """
        SELECT q.id, q.rfq_id, q.supplier_company_id, c.name, c.country, c.verified, q.unit_price, q.currency, q.lead_time_days, q.terms,
               q.status, coalesce(m.fit, 0), q.created_at, q.updated_at
        FROM quotes q JOIN companies c ON c.company_id = q.supplier_company_id
        LEFT JOIN rfq_matches m ON m.rfq_id = q.rfq_id AND m.company_id = q.supplier_company_id
        """

    typealias QuoteRow = (UUID, UUID, UUID, String, String, Bool, Decimal, String, Int, String?, String, Int, Date, Date)

    /// The quote; its fit only for the buyer.
    static func decodeQuote(_ row: QuoteRow, forBuyer: Bool) -> Quote {
        let (id, rfq, supplier, name, country, verified, price, currency, leadTime, terms, status, fit, createdAt, updatedAt) = row
        return Quote(
            id: id, rfqID: rfq, supplierCompanyID: supplier, supplierName: name, supplierCountry: country, verified: verified,
            unitPrice: Money(amount: price, currency: currency), leadTimeDays: leadTime, terms: terms,
            status: QuoteStatus(rawValue: status) ?? .submitted, fit: forBuyer ? QuoteRanking.fit(verified: verified, category: fit, leadTime: leadTime) : nil,
            createdAt: createdAt, updatedAt: updatedAt)
    }

    static func quotes(of rfqID: UUID, supplier: UUID?, on connection: PostgresConnection, logger: Logger) async throws -> [QuoteRow] {
        var rows: [QuoteRow] = []
        for try await row in try await connection.query("""
            \(unescaped: quoteSelect) WHERE q.rfq_id = \(rfqID) AND (\(supplier)::uuid IS NULL OR q.supplier_company_id = \(supplier))
            ORDER BY q.created_at, q.id
            """, logger: logger).decode(QuoteRow.self) { rows.append(row) }
        return rows
    }
}

/// How a buyer's quotes are ordered: verified suppliers first, then how closely the supplier's
/// catalogue fits the RFQ's category, then the shorter lead time. Nothing is for sale here.
enum QuoteRanking {
    static func fit(verified: Bool, category: Int, leadTime: Int) -> QuoteFit {
        var reasons: [String] = []
        if verified { reasons.append("verified supplier") }
        switch category {
        case 3: reasons.append("lists products in this very category")
        case 2: reasons.append("lists products in a category below it")
        case 1: reasons.append("names a related category in its showcase")
        default: break
        }
        reasons.append("lead time \(leadTime) days")
        return QuoteFit(rank: (verified ? 10_000 : 0) + category * 1000 + (999 - min(leadTime, 999)), reasons: reasons)
    }

    static func ranked(_ quotes: [Quote]) -> [Quote] {
        quotes.sorted { ($0.fit?.rank ?? 0, $1.createdAt) > ($1.fit?.rank ?? 0, $0.createdAt) }
    }
}
