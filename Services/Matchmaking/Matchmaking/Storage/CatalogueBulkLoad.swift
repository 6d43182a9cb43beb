import Contracts
import Foundation
import Logging
import MessageBus
import Persistence

/// The documented bulk path into the catalogue, for an operator importing a supplier directory
/// and for the search benchmark: companies as the accounts events would have described them, and
/// products written in batches and derived (listed flag, search listing, dictionary) by the same
/// SQL as the request path. It skips the request path's checks: its input must already be valid.
public enum CatalogueBulkLoad {
    public struct Company: Sendable {
        public var id: UUID
        public var name: String
        public var industry: String
        public var country: String
        public var verified: Bool

        public init(id: UUID, name: String, industry: String, country: String, verified: Bool) {
            self.id = id
            self.name = name
            self.industry = industry
            self.country = country
            self.verified = verified
        }
    }

    public struct Item: Sendable {
        public var id: UUID
        public var companyID: UUID
        public var name: String
        public var categoryID: String
        public var description: String
        public var specifications: [Specification]
        public var price: PriceRange?
        public var keywords: [String]

        public init(
            id: UUID, companyID: UUID, name: String, categoryID: String, description: String, specifications: [Specification],
            price: PriceRange?, keywords: [String]
        ) {
            self.id = id
            self.companyID = companyID
            self.name = name
            self.categoryID = categoryID
            self.description = description
            self.specifications = specifications
            self.price = price
            self.keywords = keywords
        }
    }

    /// The shipped category tree.
    public static func categories() throws -> [Category] { try Categories.shipped().tree }

    /// Supplier companies with a showcase each.
    public static func insert(_ companies: [Company], into database: Database, logger: Logger) async throws {
        try await database.transaction(context: MessageContext(), logger: logger) { transaction in
            try await transaction.query("""
                INSERT INTO companies (company_id, name, business_type, industry, country, verified, card_changed_at)
                SELECT id, name, 'supplier', industry, country, verified, now()
                FROM unnest(\(companies.map(\.id)), \(companies.map(\.name)), \(companies.map(\.industry)), \(companies.map(\.country)),
                            \(companies.map(\.verified))) AS c(id, name, industry, country, verified)
                """)
            try await transaction.query("""
                INSERT INTO exhibitors (company_id, search) SELECT id, ''::tsvector FROM unnest(\(companies.map(\.id))) AS c(id)
                """)
            for id in companies.map(\.id) { try await ExhibitorRecords.reindex(id, on: transaction) }
        }
    }

    /// Published products in one transaction (a batch of a few thousand is a good size).
    public static func insert(_ items: [Item], into database: Database, logger: Logger) async throws {
        let specifications = try items.map { String(decoding: try MessageCodec.encode($0.specifications), as: UTF8.self) }
        let keywords = try items.map { String(decoding: try MessageCodec.encode($0.keywords), as: UTF8.self) }
        // Arrays cannot hold a Swift nil here: an empty text is SQL's NULL.
        var prices: ([String], [String], [String]) = ([], [], [])
        for item in items {
            prices.0.append(item.price.map { "\($0.min)" } ?? "")
            prices.1.append(item.price.map { "\($0.max)" } ?? "")
            prices.2.append(item.price?.currency ?? "")
        }
        try await database.transaction(context: MessageContext(), logger: logger) { transaction in
            try await transaction.query("""
                INSERT INTO products (id, company_id, country, name, category_id, description, specifications, price_min, price_max,
                                      currency, keywords, status)
                SELECT i.id, i.company_id, '', i.name, i.category_id, i.description, i.specs::jsonb, nullif(i.price_min, '')::numeric,
                       nullif(i.price_max, '')::numeric, nullif(i.currency, ''),
                       ARRAY(SELECT jsonb_array_elements_text(i.keywords::jsonb)), 'published'
                FROM unnest(\(items.map(\.id)), \(items.map(\.companyID)), \(items.map(\.name)), \(items.map(\.categoryID)),
                            \(items.map(\.description)), \(specifications), \(prices.0), \(prices.1), \(prices.2), \(keywords))
                     AS i(id, company_id, name, category_id, description, specs, price_min, price_max, currency, keywords)
                """)
            try await ProductRecords.derive(items.map(\.id), on: transaction)
        }
    }

    /// `EXPLAIN (ANALYZE, BUFFERS)` of a search as the service runs it: its page query.
    public static func explain(_ request: Search, in database: Database, logger: Logger) async throws -> String {
        try await MatchmakingHandlers(database: database, categories: try Categories.shipped(), now: { Date() })
            .explainSearch(request, logger: logger)
    }
}
