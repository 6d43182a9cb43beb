import Contracts
import Foundation
import MessageBus
import Persistence
import PostgresNIO
import ServiceRuntime

extension MatchmakingHandlers {
    /// `matchmaking.set-exhibitor.v1`: a supplier writes its company's showcase; every field is replaced.
    @Sendable func setExhibitor(_ request: SetExhibitor, _ context: RequestContext) async throws -> Exhibitor {
        let (actor, companyID) = try context.callerCompany()
        let showcase = try ExhibitorRules.read(request, categories: categories)
        return try await database.transaction(context, idempotent: try MessageCodec.encode(request)) { transaction in
            guard let company = try await KnownCompany.find(companyID, on: transaction.connection, logger: context.logger),
                  !company.cancelled else { throw Problem.companyNotReady }
            try await transaction.query("""
                INSERT INTO exhibitors (company_id, description, category_ids, website, year_established, employees, main_markets,
                                        updated_at, updated_by, search)
                VALUES (\(companyID), \(showcase.description), \(showcase.categoryIDs), \(showcase.website), \(showcase.yearEstablished),
                        \(showcase.employees), \(showcase.mainMarkets), now(), \(actor.accountID), ''::tsvector)
                ON CONFLICT (company_id) DO UPDATE SET
                    description = excluded.description, category_ids = excluded.category_ids, website = excluded.website,
                    year_established = excluded.year_established, employees = excluded.employees,
                    main_markets = excluded.main_markets, updated_at = now(), updated_by = excluded.updated_by
                """)
            try await ExhibitorRecords.reindex(companyID, on: transaction)
            guard let exhibitor = try await ExhibitorRecords.find(companyID, viewer: companyID, on: transaction.connection, logger: context.logger)
            else { throw Problem.internalError("the showcase was not stored") }
            return exhibitor
        }
    }

    /// `matchmaking.get-exhibitor.v1`: a supplier's public showcase (its card even before it wrote one).
    @Sendable func getExhibitor(_ request: GetExhibitor, _ context: RequestContext) async throws -> Exhibitor {
        let viewer = context.message.actor?.companyID
        let exhibitor = try await database.withConnection { connection in
            guard let exhibitor = try await ExhibitorRecords.find(request.companyID, viewer: viewer, on: connection, logger: context.logger)
            else { throw Problem.notFound("no exhibitor with this id") }
            return exhibitor
        }
        await records.visited(.exhibitor, exhibitor.companyID, ownedBy: exhibitor.companyID, context)
        return exhibitor
    }
}

/// A showcase as read from a request.
struct Showcase {
    var description: String?
    var categoryIDs: [String]
    var website: String?
    var yearEstablished: Int?
    var employees: String?
    var mainMarkets: [String]
}

enum ExhibitorRules {
    /// Fixed bounds rather than "not after this year", so the OpenAPI document can state them.
    static let yearsEstablished = 1800...2100
    static let employeeRanges = ["1-10", "11-50", "51-200", "201-500", "501-1000", "1001-5000", "5000+"]

    static func read(_ request: SetExhibitor, categories: Categories) throws -> Showcase {
        var checks = FieldChecks()
        let description = checks.optional("description", request.description, maxLength: 5000)
        let categoryIDs = CatalogueChecks.categories("categoryIDs", request.categoryIDs ?? [], in: categories, max: 20, checks: &checks)
        let website = request.website.flatMap { $0.isEmpty ? nil : checks.httpsURL("website", $0) }
        if let year = request.yearEstablished, !yearsEstablished.contains(year) {
            checks.fail("yearEstablished", "must be a year from 1800 to 2100")
        }
        var employees: String?
        if let range = checks.optional("employees", request.employees, maxLength: 16), !range.isEmpty {
            if employeeRanges.contains(range) { employees = range } else {
                checks.fail("employees", "must be one of: \(employeeRanges.joined(separator: ", "))")
            }
        }
        let markets = request.mainMarkets ?? []
        if markets.count > 60 { checks.fail("mainMarkets", "must list at most 60 countries") }
        var mainMarkets: [String] = []
        for (index, market) in markets.prefix(60).enumerated() {
            if let code = checks.country("mainMarkets[\(index)]", market), !mainMarkets.contains(code) { mainMarkets.append(code) }
        }
        try checks.finish()
        return Showcase(
            description: description.nonEmpty, categoryIDs: categoryIDs, website: website, yearEstablished: request.yearEstablished,
            employees: employees, mainMarkets: mainMarkets)
    }
}

/// Rules on catalogue references that showcases, products, follows and searches share.
enum CatalogueChecks {
    /// `kind` and `id` naming a showcase or a product: the pair follows and visits take.
    static func target(_ kind: String?, _ id: String?, checks: inout FieldChecks) -> (FollowKind, UUID)? {
        let kind = checks.oneOf("kind", kind, as: FollowKind.self)
        let text = checks.required("id", id, maxLength: 36)
        let id = text.flatMap(UUID.init(uuidString:))
        if text != nil, id == nil { checks.fail("id", "must be the UUID of an exhibitor or a product") }
        guard let kind, let id else { return nil }
        return (kind, id)
    }

    /// Distinct ids of the shipped tree, at most `max`.
    static func categories(_ field: String, _ ids: [String], in categories: Categories, max: Int, checks: inout FieldChecks) -> [String] {
        if ids.count > max { checks.fail(field, "must list at most \(max) categories") }
        var known: [String] = []
        for (index, id) in ids.prefix(max).enumerated() {
            if categories.contains(id) {
                if !known.contains(id) { known.append(id) }
            } else {
                checks.fail("\(field)[\(index)]", "is not a category of GET /v1/categories")
            }
        }
        return known
    }
}

/// Reading showcases: the company card's fields from the projection, the showcase, counts.
enum ExhibitorRecords {
    /// A company is shown only while it is a supplier that is neither cancelled nor restricted.
    static let shown = """
        c.business_type = 'supplier' AND NOT c.cancelled
        AND NOT EXISTS (SELECT 1 FROM members m JOIN processing_restrictions r ON r.account_id = m.account_id
                        WHERE m.company_id = c.company_id)
        """

    static func find(_ companyID: UUID, viewer: UUID?, on connection: PostgresConnection, logger: Logger) async throws -> Exhibitor? {
        let rows = try await connection.query("""
            SELECT c.company_id, c.name, c.industry, c.country, c.verified, c.verification_under_review, e.description, coalesce(e.category_ids, '{}'), e.website,
                   e.year_established, e.employees, coalesce(e.main_markets, '{}'), e.updated_at,
                   (SELECT count(*) FROM products p WHERE p.company_id = c.company_id AND p.listed),
                   (SELECT count(*) FROM follows f WHERE f.kind = 'exhibitor' AND f.target_id = c.company_id)
            FROM companies c LEFT JOIN exhibitors e ON e.company_id = c.company_id
            WHERE c.company_id = \(companyID) AND \(unescaped: shown)
            """, logger: logger)
        for try await row in rows.decode(
            (UUID, String, String, String, Bool, Bool, String?, [String], String?, Int?, String?, [String], Date?, Int, Int).self) {
            let (id, name, industry, country, verified, underReview, description, categoryIDs, website, year, employees, markets, updatedAt, products, followers) = row
            return Exhibitor(
                companyID: id, name: name, industry: industry, country: country, verified: verified, verificationUnderReview: underReview,
                description: description,
                categoryIDs: categoryIDs, website: website, yearEstablished: year, employees: employees, mainMarkets: markets,
                productCount: products, followerCount: viewer == id ? followers : nil, updatedAt: updatedAt)
        }
        return nil
    }

    /// Rewrites the showcase's search vector: the company's name first, its description last.
    static func reindex(_ companyID: UUID, on transaction: Transaction) async throws {
        try await transaction.query("""
            UPDATE exhibitors e SET search = setweight(to_tsvector('english', c.name), 'A')
                                          || setweight(to_tsvector('english', coalesce(e.description, '')), 'D')
            FROM companies c WHERE c.company_id = e.company_id AND e.company_id = \(companyID)
            """)
    }
}
