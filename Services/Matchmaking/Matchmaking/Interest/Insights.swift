import Contracts
import Foundation
import MessageBus
import Persistence
import PostgresNIO
import ServiceRuntime

extension MatchmakingHandlers {
    /// The platform register's objection scope that stops sharing a purchaser's interest with sellers
    /// (policy, "use" (11): "you can request to stop the service").
    static let sharingObjection = ObjectionScope.legitimateInterest

    /// `matchmaking.get-buyer-interest.v1`: purchaser companies that viewed or followed the caller's
    /// catalogue in the last 90 days, as their cards; none whose person objected or is restricted.
    @Sendable func getBuyerInterest(_ request: GetBuyerInterest, _ context: RequestContext) async throws -> BuyerInterest {
        let (_, companyID) = try context.callerCompany()
        let rows = try await database.client.query("""
            WITH signals AS (
                SELECT v.account_id, v.viewer_company_id AS company_id, 1 AS views, 0 AS follows, v.visited_at AS at
                FROM visits v WHERE v.target_company_id = \(companyID) AND v.visited_at > now() - interval '90 days'
                UNION ALL
                SELECT f.account_id, m.company_id, 0, 1, f.followed_at
                FROM follows f JOIN members m ON m.account_id = f.account_id
                LEFT JOIN products p ON f.kind = 'product' AND p.id = f.target_id
                WHERE (f.kind = 'exhibitor' AND f.target_id = \(companyID)) OR p.company_id = \(companyID)
            )
            SELECT c.company_id, c.name, c.business_type, c.country, c.verified, sum(s.views)::int8, sum(s.follows)::int8, max(s.at)
            FROM signals s JOIN companies c ON c.company_id = s.company_id
            WHERE c.business_type <> 'supplier' AND NOT c.cancelled AND c.company_id <> \(companyID)
              AND NOT EXISTS (SELECT 1 FROM objections o WHERE o.account_id = s.account_id AND o.scope = \(Self.sharingObjection.rawValue))
              AND NOT EXISTS (SELECT 1 FROM processing_restrictions r WHERE r.account_id = s.account_id)
            GROUP BY c.company_id, c.name, c.business_type, c.country, c.verified
            ORDER BY max(s.at) DESC LIMIT 100
            """, logger: context.logger)
        var items: [InterestedBuyer] = []
        for try await (id, name, type, country, verified, views, follows, at) in rows.decode(
            (UUID, String, String, String, Bool, Int, Int, Date).self) {
            items.append(InterestedBuyer(
                companyID: id, name: name, businessType: type, country: country, verified: verified, views: views, follows: follows, lastSeenAt: at))
        }
        return BuyerInterest(items: items)
    }

    /// `matchmaking.get-recommendations.v1`: for a supplier, the open RFQs matched to it that it has
    /// not quoted on; for a purchaser, listed products fitting its open RFQs, new from exhibitors it
    /// follows and like those it viewed. Each with its reason; none for a person who objected to
    /// profiling, refused personalization or restricted processing.
    @Sendable func getRecommendations(_ request: GetRecommendations, _ context: RequestContext) async throws -> Recommendations {
        let (actor, companyID) = try context.callerCompany()
        return try await database.transaction(context) { transaction in
            // Personalization is on unless refused (the cookie tool's choice) or objected to; the
            // statistics, by contrast, count only those who allowed analytics.
            let allowed = try await transaction.query("""
                SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM consents c WHERE c.subject_id = \(actor.accountID) AND NOT c.personalization)
                  AND NOT EXISTS (SELECT 1 FROM objections o WHERE o.account_id = \(actor.accountID) AND o.scope = 'profiling')
                  AND NOT EXISTS (SELECT 1 FROM processing_restrictions r WHERE r.account_id = \(actor.accountID))
                """)
            guard try await allowed.exists else { return Recommendations(personalized: false, items: []) }
            var items: [Recommendation] = []
            if actor.has(role: Role.supplier.rawValue) {
                for try await (id, title, category) in try await transaction.query("""
                    SELECT r.id, r.title, r.category_id FROM rfqs r JOIN rfq_matches m ON m.rfq_id = r.id AND m.company_id = \(companyID)
                    WHERE r.status = 'open' AND r.deadline > \(now())
                      AND NOT EXISTS (SELECT 1 FROM quotes q WHERE q.rfq_id = r.id AND q.supplier_company_id = \(companyID))
                    ORDER BY m.fit DESC, r.deadline LIMIT 20
                    """).decode((UUID, String, String).self) {
                    items.append(Recommendation(
                        kind: .rfq, id: id, name: title, reason: "matches your catalogue in \(categories.name(of: category) ?? category)"))
                }
            } else {
                items = try await purchaserRecommendations(actor: actor, companyID: companyID, on: transaction)
            }
            return Recommendations(personalized: true, items: items)
        }
    }

    /// Up to 20 listed products, each once, with the first reason that found it.
    func purchaserRecommendations(actor: Actor, companyID: UUID, on transaction: Transaction) async throws -> [Recommendation] {
        let rfqs = try await transaction.query("""
            SELECT title, category_id FROM rfqs WHERE buyer_company_id = \(companyID) AND status = 'open' ORDER BY created_at DESC LIMIT 5
            """)
        var wanted: [(reason: String, categories: [String])] = []
        for try await (title, category) in rfqs.decode((String, String).self) {
            wanted.append(("matches your RFQ “\(title)”", categories.subtree(category)))
        }
        let viewed = try await transaction.query("""
            SELECT DISTINCT ON (p.category_id) p.name, p.category_id FROM visits v JOIN products p ON p.id = v.target_id
            WHERE v.account_id = \(actor.accountID) AND v.kind = 'product' ORDER BY p.category_id, v.visited_at DESC LIMIT 5
            """)
        for try await (name, category) in viewed.decode((String, String).self) { wanted.append(("like “\(name)”, which you viewed", [category])) }
        var items: [Recommendation] = []
        var seen = Set<UUID>()
        func add(_ rows: PostgresRowSequence, _ reason: (String) -> String) async throws {
            for try await (id, name, extra) in rows.decode((UUID, String, String).self) where items.count < 20 && seen.insert(id).inserted {
                items.append(Recommendation(kind: .product, id: id, name: name, reason: reason(extra)))
            }
        }
        let excluded = """
            p.listed AND p.company_id <> $1
            AND NOT EXISTS (SELECT 1 FROM follows f WHERE f.account_id = $2 AND f.kind = 'product' AND f.target_id = p.id)
            """
        for (reason, categoryIDs) in wanted {
            var binds = PostgresBindings()
            binds.append(companyID)
            binds.append(actor.accountID)
            binds.append(categoryIDs)
            try await add(try await transaction.query(PostgresQuery(unsafeSQL: """
                SELECT p.id, p.name, '' FROM products p WHERE \(excluded) AND p.category_id = ANY($3)
                ORDER BY p.updated_at DESC LIMIT 10
                """, binds: binds))) { _ in reason }
        }
        var binds = PostgresBindings()
        binds.append(companyID)
        binds.append(actor.accountID)
        try await add(try await transaction.query(PostgresQuery(unsafeSQL: """
            SELECT p.id, p.name, c.name FROM follows f JOIN products p ON p.company_id = f.target_id JOIN companies c ON c.company_id = p.company_id
            WHERE f.account_id = $2 AND f.kind = 'exhibitor' AND \(excluded)
            ORDER BY p.created_at DESC LIMIT 10
            """, binds: binds))) { exhibitor in "new from \(exhibitor), which you follow" }
        return items
    }

    /// `matchmaking.get-statistics.v1`: visitors, sessions, top pages and top searches between
    /// `from` and `to` (the last 30 days by default), over visitors whose analytics consent allows
    /// it only; counts, never account ids.
    @Sendable func getStatistics(_ request: GetStatistics, _ context: RequestContext) async throws -> Statistics {
        var checks = FieldChecks()
        let now = self.now()
        func time(_ field: String, _ text: String?, _ fallback: Date) -> Date {
            guard let text, !text.isEmpty else { return fallback }
            return checks.time(field, text) ?? fallback
        }
        let to = time("to", request.to, now)
        // A `from` after `to` is an empty period, with nothing in it.
        let from = time("from", request.from, to - 30 * 86400)
        try checks.finish()
        return try await database.transaction(context) { transaction in
            let consenting = "EXISTS (SELECT 1 FROM consents k WHERE k.subject_id = %@.account_id AND k.analytics)"
            var visitors = 0
            var sessions = 0
            for try await (people, visits) in try await transaction.query("""
                SELECT count(DISTINCT v.account_id)::int8, count(DISTINCT coalesce(v.session_id, v.account_id))::int8 FROM visits v
                WHERE v.visited_at BETWEEN \(from) AND \(to) AND \(unescaped: consenting.replacingOccurrences(of: "%@", with: "v"))
                """).decode((Int, Int).self) { (visitors, sessions) = (people, visits) }
            var pages: [PageViews] = []
            for try await (kind, id, name, views) in try await transaction.query("""
                SELECT v.kind, v.target_id, coalesce(p.name, c.name, 'no longer shown'), count(*)::int8 FROM visits v
                LEFT JOIN products p ON v.kind = 'product' AND p.id = v.target_id
                LEFT JOIN companies c ON v.kind = 'exhibitor' AND c.company_id = v.target_id
                WHERE v.visited_at BETWEEN \(from) AND \(to) AND \(unescaped: consenting.replacingOccurrences(of: "%@", with: "v"))
                GROUP BY 1, 2, 3 ORDER BY 4 DESC, 2 LIMIT 20
                """).decode((String, UUID, String, Int).self) {
                if let kind = FollowKind(rawValue: kind) { pages.append(PageViews(kind: kind, id: id, name: name, views: views)) }
            }
            var searches: [SearchCount] = []
            for try await (query, count) in try await transaction.query("""
                SELECT lower(s.query), count(*)::int8 FROM searches s
                WHERE s.searched_at BETWEEN \(from) AND \(to) AND \(unescaped: consenting.replacingOccurrences(of: "%@", with: "s"))
                GROUP BY 1 HAVING count(DISTINCT s.account_id) >= \(Statistics.minimumSearchers) ORDER BY 2 DESC, 1 LIMIT 20
                """).decode((String, Int).self) { searches.append(SearchCount(query: query, count: count)) }
            return Statistics(from: from, to: to, visitors: visitors, sessions: sessions, topPages: pages, topSearches: searches)
        }
    }
}

/// Cookie and personalization choices, kept from data-rights' events; the newest choice wins.
enum ConsentDirectory {
    static func register(into handlers: inout TransactionalEventHandlers) {
        handlers.register(ConsentChanged.self) { event, transaction in
            try await transaction.query("""
                INSERT INTO consents (subject_id, analytics, personalization, changed_at)
                VALUES (\(event.subjectID), \(event.analytics), \(event.personalization), \(event.changedAt))
                ON CONFLICT (subject_id) DO UPDATE SET analytics = excluded.analytics, personalization = excluded.personalization,
                    changed_at = excluded.changed_at
                WHERE consents.changed_at <= excluded.changed_at
                """)
        }
    }
}
