import Contracts
import Foundation
import MessageBus
import Persistence
import ServiceRuntime

extension MatchmakingHandlers {
    /// `matchmaking.post-rfq.v1`: a purchaser's requirement, sent to the verified suppliers whose
    /// catalogue fits its category and who serve its destination; announced with their companies.
    @Sendable func postRFQ(_ request: PostRFQ, _ context: RequestContext) async throws -> RFQ {
        let (actor, companyID) = try context.callerCompany()
        let now = self.now()
        let draft = try RFQRules.read(request.fields, categories: categories, now: now)
        return try await database.transaction(context, idempotent: try MessageCodec.encode(request)) { transaction in
            guard let company = try await KnownCompany.find(companyID, on: transaction.connection, logger: context.logger),
                  !company.cancelled else { throw Problem.companyNotReady }
            let id = UUID()
            try await transaction.query("""
                INSERT INTO rfqs (id, buyer_company_id, posted_by, title, category_id, description, quantity, unit, target_price,
                                  target_currency, destination_country, deadline, status, created_at)
                VALUES (\(id), \(companyID), \(actor.accountID), \(draft.title), \(draft.categoryID), \(draft.description),
                        \(draft.quantity.amount), \(draft.quantity.unit), \(draft.targetPrice?.amount), \(draft.targetPrice?.currency),
                        \(draft.destinationCountry), \(draft.deadline), 'open', \(now))
                """)
            let matched = try await RFQMatching.match(id, draft, buyer: companyID, categories: categories, on: transaction)
            try await transaction.emit(RFQPosted(
                rfqID: id, buyerCompanyID: companyID, categoryID: draft.categoryID, destinationCountry: draft.destinationCountry,
                deadline: draft.deadline, matchedCompanyIDs: matched, title: draft.title, postedAt: now))
            return try await rfq(id, for: companyID, on: transaction, context)
        }
    }

    /// `matchmaking.get-rfq.v1`.
    @Sendable func getRFQ(_ request: GetRFQ, _ context: RequestContext) async throws -> RFQ {
        let (_, companyID) = try context.callerCompany()
        return try await database.transaction(context) { try await rfq(request.rfqID, for: companyID, on: $0, context) }
    }

    /// `matchmaking.list-rfqs.v1`: the caller's own (any status), or the open ones matched to a supplier.
    @Sendable func listRFQs(_ request: ListRFQs, _ context: RequestContext) async throws -> Page<RFQ> {
        let (actor, companyID) = try context.callerCompany()
        let (limit, after) = try Cursor.read(request.page)
        let matched = !request.mine && actor.has(role: Role.supplier.rawValue)
        let now = self.now()
        let rows = try await database.client.query("""
            \(unescaped: RFQRecords.select)
            WHERE (CASE WHEN \(matched)
                        THEN r.status = 'open' AND r.deadline > \(now)
                             AND EXISTS (SELECT 1 FROM rfq_matches m WHERE m.rfq_id = r.id AND m.company_id = \(companyID))
                        ELSE r.buyer_company_id = \(companyID) END)
              AND (floor(extract(epoch FROM r.created_at) * 1000000)::int8, r.id::text) < (\(after.position), \(after.id))
            ORDER BY 18 DESC, r.id::text DESC LIMIT \(limit + 1)
            """, logger: context.logger)
        var items: [(RFQ, Cursor)] = []
        for try await row in rows.decode(RFQRecords.Row.self) { items.append(RFQRecords.decode(row, viewer: companyID, now: now)) }
        return Cursor.page(items, limit: limit)
    }

    /// `matchmaking.close-rfq.v1`: the buyer stops taking quotes; closing again changes nothing.
    @Sendable func closeRFQ(_ request: CloseRFQ, _ context: RequestContext) async throws -> RFQ {
        let (_, companyID) = try context.callerCompany()
        return try await database.transaction(context, idempotent: try MessageCodec.encode(request)) { transaction in
            let current = try await rfq(request.rfqID, for: companyID, lock: true, on: transaction, context)
            guard current.buyerCompanyID == companyID else { throw Problem.notFound("no RFQ of your company has this id") }
            guard current.status == .open else { return current }
            try await transaction.query("UPDATE rfqs SET status = 'closed', closed_at = \(now()) WHERE id = \(request.rfqID)")
            return try await rfq(request.rfqID, for: companyID, on: transaction, context)
        }
    }

    /// The RFQ as its buyer or a matched supplier sees it, else 404.
    func rfq(_ id: UUID, for companyID: UUID, lock: Bool = false, on transaction: Transaction, _ context: RequestContext) async throws -> RFQ {
        guard let rfq = try await RFQRecords.find(id, viewer: companyID, now: now(), lock: lock, on: transaction.connection, logger: context.logger)
        else { throw Problem.notFound("no RFQ you may see has this id") }
        return rfq
    }
}

/// Which suppliers an RFQ goes to: verified, active and unrestricted suppliers that list products
/// in its category's subtree or name a related category in their showcase, and whose main markets
/// (if they named any) include the destination. At most `limit`, the closest fits first.
enum RFQMatching {
    static let limit = 200

    static func match(_ id: UUID, _ draft: RFQDraft, buyer: UUID, categories: Categories, on transaction: Transaction) async throws -> [UUID] {
        let subtree = categories.subtree(draft.categoryID)
        let related = subtree + categories.ancestors(of: draft.categoryID)
        let rows = try await transaction.query("""
            INSERT INTO rfq_matches (rfq_id, company_id, fit)
            SELECT \(id), c.company_id, max(f.fit)
            FROM (SELECT p.company_id, CASE WHEN p.category_id = \(draft.categoryID) THEN 3 ELSE 2 END AS fit
                  FROM products p WHERE p.listed AND p.category_id = ANY(\(subtree))
                  UNION ALL
                  SELECT e.company_id, 1 FROM exhibitors e WHERE e.category_ids && \(related)) f
            JOIN companies c ON c.company_id = f.company_id
            LEFT JOIN exhibitors e ON e.company_id = c.company_id
            WHERE c.business_type = 'supplier' AND c.verified AND NOT c.cancelled AND c.company_id <> \(buyer)
              AND (e.main_markets IS NULL OR e.main_markets = '{}' OR \(draft.destinationCountry) = ANY(e.main_markets))
              AND NOT EXISTS (SELECT 1 FROM members m JOIN processing_restrictions r ON r.account_id = m.account_id
                              WHERE m.company_id = c.company_id)
            GROUP BY c.company_id ORDER BY max(f.fit) DESC, c.company_id LIMIT \(limit)
            RETURNING company_id
            """)
        var matched: [UUID] = []
        for try await companyID in rows.decode(UUID.self) { matched.append(companyID) }
        return matched
    }
}
