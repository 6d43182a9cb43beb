import Contracts
import Foundation
import MessageBus
import Persistence
import PostgresNIO

/// Reading and writing product rows. The listed flag, the search listing and the typo dictionary
/// are derived from the stored row by SQL, so every write path (requests, a bulk load) gets the same.
enum ProductRecords {
    static let select = """
        SELECT p.id, p.company_id, c.name, p.country, c.verified, p.name, p.category_id, p.description, p.specifications::text,
               p.price_min, p.price_max, p.currency, p.minimum_quantity, p.minimum_unit, p.pictures, p.keywords, p.status,
               p.listed, p.created_at, p.updated_at,
               (SELECT count(*) FROM follows f WHERE f.kind = 'product' AND f.target_id = p.id),
               floor(extract(epoch FROM p.created_at) * 1000000)::int8
        FROM products p JOIN companies c ON c.company_id = p.company_id
        """

    typealias Row = (
        UUID, UUID, String, String, Bool, String, String, String?, String, Decimal?, Decimal?, String?, Decimal?, String?, [String],
        [String], String, Bool, Date, Date, Int, Int64
    )

    /// Where the row stands in a newest-first list: its creation time in microseconds.
    static func position(_ row: Row) -> Int64 { row.21 }

    /// The product as `viewer` (a company, or nil for a visitor) may see it: nil when it is not
    /// listed and the viewer is not its owner, so others get 404 for drafts and hidden products.
    static func decode(_ row: Row, viewer: UUID?) throws -> Product? {
        let (id, companyID, companyName, country, verified, name, categoryID, description, specs, priceMin, priceMax, currency,
             quantity, unit, pictures, keywords, status, listed, createdAt, updatedAt, followers, _) = row
        let owner = viewer == companyID
        guard listed || owner else { return nil }
        let price = PriceRange(stored: priceMin, priceMax, currency)
        let published = ProductStatus(rawValue: status) ?? .draft
        return Product(
            id: id, companyID: companyID, companyName: companyName, country: country, verified: verified, name: name,
            categoryID: categoryID, description: description,
            specifications: try MessageCodec.decode([Specification].self, from: Data(specs.utf8)), price: price,
            minimumOrder: quantity.flatMap { quantity in unit.map { MinimumOrder(quantity: quantity, unit: $0) } }, pictures: pictures,
            keywords: keywords, status: published, hidden: owner && published == .published ? !listed : nil,
            followerCount: owner ? followers : nil, createdAt: createdAt, updatedAt: updatedAt)
    }

    static func find(_ id: UUID, viewer: UUID?, lock: Bool = false, on connection: PostgresConnection, logger: Logger) async throws -> Product? {
        let rows = try await connection.query("""
            \(unescaped: select) WHERE p.id = \(id) \(unescaped: lock ? "FOR UPDATE OF p" : "")
            """, logger: logger)
        for try await row in rows.decode(Row.self) { return try decode(row, viewer: viewer) }
        return nil
    }

    static func insert(_ id: UUID, _ draft: ProductDraft, company: UUID, by account: UUID, on transaction: Transaction) async throws {
        let specs = String(decoding: try MessageCodec.encode(draft.specifications), as: UTF8.self)
        try await transaction.query("""
            INSERT INTO products (id, company_id, country, name, category_id, description, specifications, price_min, price_max, currency,
                                  minimum_quantity, minimum_unit, pictures, keywords, status, created_by, updated_by)
            SELECT \(id), c.company_id, c.country, \(draft.name), \(draft.categoryID), \(draft.description), \(specs)::jsonb,
                   \(draft.price?.min), \(draft.price?.max), \(draft.price?.currency), \(draft.minimumOrder?.quantity),
                   \(draft.minimumOrder?.unit), \(draft.pictures), \(draft.keywords), \(draft.status.rawValue), \(account), \(account)
            FROM companies c WHERE c.company_id = \(company)
            """)
        try await derive([id], on: transaction)
    }

    static func update(_ id: UUID, _ draft: ProductDraft, by account: UUID, on transaction: Transaction) async throws {
        let specs = String(decoding: try MessageCodec.encode(draft.specifications), as: UTF8.self)
        try await transaction.query("""
            UPDATE products SET name = \(draft.name), category_id = \(draft.categoryID), description = \(draft.description),
                specifications = \(specs)::jsonb, price_min = \(draft.price?.min), price_max = \(draft.price?.max),
                currency = \(draft.price?.currency), minimum_quantity = \(draft.minimumOrder?.quantity),
                minimum_unit = \(draft.minimumOrder?.unit), pictures = \(draft.pictures), keywords = \(draft.keywords),
                status = \(draft.status.rawValue), updated_by = \(account), updated_at = now()
            WHERE id = \(id)
            """)
        try await derive([id], on: transaction)
    }

    /// Recomputes what follows from the rows: whether each is listed, its company's country, its
    /// search listing (a weighted vector, name > keywords > specifications > description, and its
    /// filter entries) while listed, and the dictionary words of its name and keywords.
    static func derive(_ ids: [UUID], on transaction: Transaction) async throws {
        try await transaction.query("""
            UPDATE products p SET listed = (p.status = 'published' AND c.verified AND NOT c.cancelled), country = c.country
            FROM companies c WHERE c.company_id = p.company_id AND p.id = ANY(\(ids))
            """)
        try await transaction.query("DELETE FROM listings WHERE product_id = ANY(\(ids))")
        try await transaction.query("""
            INSERT INTO listings (product_id, company_id, category_id, country, currency, price_min, price_max, updated_at, filters, search)
            SELECT p.id, p.company_id, p.category_id, p.country, p.currency, p.price_min, p.price_max, p.updated_at,
                   ARRAY[\(ListingFilter.country) || p.country, \(ListingFilter.category) || p.category_id],
                   setweight(to_tsvector('english', p.name), 'A')
                   || setweight(to_tsvector('english', array_to_string(p.keywords, ' ')), 'B')
                   || setweight(to_tsvector('english', coalesce((SELECT string_agg((s->>'name') || ' ' || (s->>'value'), ' ')
                                                                  FROM jsonb_array_elements(p.specifications) s), '')), 'C')
                   || setweight(to_tsvector('english', coalesce(p.description, '')), 'D')
            FROM products p WHERE p.id = ANY(\(ids)) AND p.listed
            """)
        try await transaction.query("""
            INSERT INTO search_terms (term)
            SELECT DISTINCT w FROM products p,
                   regexp_split_to_table(lower(p.name || ' ' || array_to_string(p.keywords, ' ')), '[^[:alnum:]]+') w
            WHERE p.id = ANY(\(ids)) AND length(w) BETWEEN 3 AND 40
            ON CONFLICT DO NOTHING
            """)
    }
}

/// A listing's filter entries, beside its words in one index: `country:DE`, `category:pumps`.
enum ListingFilter {
    static let country = "country:"
    static let category = "category:"
}

extension PriceRange {
    /// A price as its three nullable columns store it: nil unless all three are there.
    init?(stored min: Decimal?, _ max: Decimal?, _ currency: String?) {
        guard let min, let max, let currency else { return nil }
        self.init(min: min, max: max, currency: currency)
    }
}
