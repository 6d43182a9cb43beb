import Contracts
import Foundation
import MessageBus
import PostgresNIO
import ServiceRuntime

extension MatchmakingHandlers {
    /// `matchmaking.search.v1`: ranked full text over listed products (or shown exhibitors) with
    /// weights, prefixes and typo corrections from the dictionary, filters, facets and cursor paging.
    @Sendable func search(_ request: Search, _ context: RequestContext) async throws -> SearchResults {
        let filters = try SearchFilters.read(request, categories: categories)
        let (limit, after) = try Cursor.read(request.page)
        let query = SearchQuery(request.query)
        await records.searched(request.query, kind: filters.kind, context)
        return try await database.transaction { connection in
            try await Self.tune(connection, logger: context.logger)
            let statement = try await statement(query, filters, limit: limit, after: after, on: connection, logger: context.logger)
            var facetRows: [FacetRow] = []
            var results: [(SearchResult, Cursor)] = []
            for try await row in try await connection.query(statement, logger: context.logger)
                .decode((Int64?, UUID?, String?, String?, UUID?, String?, String?, Bool?, String?, Decimal?, Decimal?, String?, String?).self) {
                let (key, id, name, marked, companyID, companyName, country, verified, categoryID, priceMin, priceMax, currency, facets) = row
                if let facets {
                    facetRows = try MessageCodec.decode([FacetRow].self, from: Data(facets.utf8))
                    continue
                }
                guard let key, let id, let name, let marked, let companyID, let companyName, let country, let verified else { continue }
                let (snippet, highlights) = Snippet.parse(marked)
                results.append((SearchResult(
                    kind: filters.kind, id: id, name: name, snippet: snippet, highlights: highlights,
                    score: query.isEmpty ? 0 : Double(key) / SearchSQL.scoreScale, companyID: companyID, companyName: companyName,
                    country: country, verified: verified, categoryID: categoryID, price: PriceRange(stored: priceMin, priceMax, currency)),
                    Cursor(position: key, id: id.uuidString.lowercased())))
            }
            let page = Cursor.page(results, limit: limit)
            let total = facetRows.filter { $0.facet == "country" }.reduce(0) { $0 + $1.count }
            return SearchResults(
                results: page.items, facets: facets(facetRows, under: filters.category), total: total,
                totalIsExact: total < SearchSQL.candidates, nextCursor: page.nextCursor)
        }
    }

    /// The search statement with its binds (see `SearchSQL`).
    func statement(
        _ query: SearchQuery, _ filters: SearchFilters, limit: Int, after: Cursor, on connection: PostgresConnection, logger: Logger
    ) async throws -> PostgresQuery {
        let dictionary = try await Self.dictionary(for: query, on: connection, logger: logger)
        let products = filters.kind == .product
        var binds = PostgresBindings()
        binds.append(!query.isEmpty)
        binds.append(query.tolerant(dictionary))
        binds.append(query.exact(dictionary))
        binds.append(filters.categoryIDs)
        binds.append(products ? filters.categoryIDs?.map { ListingFilter.category + $0 } : nil)
        binds.append(filters.country)
        binds.append(products ? filters.country.map { ListingFilter.country + $0 } : nil)
        binds.append(filters.currency)
        try binds.append(filters.priceMin)
        try binds.append(filters.priceMax)
        binds.append(filters.verifiedOnly)
        binds.append(after.position)
        binds.append(after.id)
        binds.append(Int64(limit + 1))
        let sql = products
            ? SearchSQL.products + SearchSQL.page + SearchSQL.productPage
            : SearchSQL.exhibitors + SearchSQL.page + SearchSQL.exhibitorPage
        return PostgresQuery(unsafeSQL: sql, binds: binds)
    }

    /// Settings for this transaction only. The match set is capped (`SearchSQL.candidates`), and a
    /// capped query looks cheap as a scan of the whole table that stops early; for a rare match it
    /// reads all of it, so the planner is told to use the indexes, which always find the matches.
    /// A broad match's bitmap turns lossy early: of its rows only the first candidates are read, and
    /// sorting an exact bitmap of a hundred thousand pages costs more than rechecking those (33
    /// against 50 ms for a word in one product of eight). JIT compiling, which the planner's
    /// estimates for broad matches trigger, costs more than it saves.
    static func tune(_ connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("""
            SELECT set_config('enable_seqscan', 'off', true), set_config('work_mem', '1MB', true), set_config('jit', 'off', true)
            """, logger: logger)
    }

    /// A search's statement under `EXPLAIN (ANALYZE, BUFFERS)`, for the benchmark's plans.
    func explainSearch(_ request: Search, logger: Logger) async throws -> String {
        let filters = try SearchFilters.read(request, categories: categories)
        let (limit, after) = try Cursor.read(request.page)
        return try await database.transaction { connection in
            try await Self.tune(connection, logger: logger)
            let statement = try await statement(SearchQuery(request.query), filters, limit: limit, after: after, on: connection, logger: logger)
            let explained = PostgresQuery(unsafeSQL: "EXPLAIN (ANALYZE, BUFFERS) " + statement.sql, binds: statement.binds)
            var lines: [String] = []
            for try await line in try await connection.query(explained, logger: logger).decode(String.self) { lines.append(line) }
            return lines.joined(separator: "\n")
        }
    }

    /// Which query words the dictionary knows and, for each correctable word it does not, up to
    /// three dictionary words near it (trigram similarity). A known word is what the user meant:
    /// its neighbours would only widen the match ("case" is not "cast").
    static func dictionary(for query: SearchQuery, on connection: PostgresConnection, logger: Logger) async throws -> SearchDictionary {
        var dictionary = SearchDictionary()
        guard !query.isEmpty else { return dictionary }
        for try await word in try await connection.query("""
            SELECT term FROM search_terms WHERE term = ANY(\(query.words))
            """, logger: logger).decode(String.self) { dictionary.known.insert(word) }
        let unknown = query.correctable.filter { !dictionary.known.contains($0) }
        guard !unknown.isEmpty else { return dictionary }
        let rows = try await connection.query("""
            SELECT w.word, t.term FROM unnest(\(unknown)::text[]) AS w(word)
            CROSS JOIN LATERAL (SELECT term FROM search_terms WHERE term % w.word
                                ORDER BY similarity(term, w.word) DESC, term LIMIT 3) t
            """, logger: logger)
        for try await (word, term) in rows.decode((String, String).self) { dictionary.corrections[word, default: []].append(term) }
        return dictionary
    }

    /// Category counts rolled up to the level below the filtered category (top level without one).
    func facets(_ rows: [FacetRow], under root: String?) -> SearchFacets {
        var byCategory: [String: Int] = [:]
        var byCountry: [CountryFacet] = []
        for row in rows {
            if row.facet == "country" {
                byCountry.append(CountryFacet(code: row.value, count: row.count))
            } else if let branch = categories.branch(of: row.value, under: root) {
                byCategory[branch, default: 0] += row.count
            }
        }
        return SearchFacets(
            category: byCategory.map { CategoryFacet(id: $0.key, count: $0.value) }.sorted { ($1.count, $0.id) < ($0.count, $1.id) },
            country: byCountry.sorted { ($1.count, $0.code) < ($0.count, $1.code) })
    }
}

/// One count of the facets row: a category or a country and its matches.
struct FacetRow: Decodable {
    var facet: String
    var value: String
    var count: Int
}

/// A search's filters once checked.
struct SearchFilters {
    var kind: SearchKind
    var category: String?
    var categoryIDs: [String]?
    var country: String?
    var currency: String?
    var priceMin: Decimal?
    var priceMax: Decimal?
    var verifiedOnly: Bool

    static func read(_ request: Search, categories: Categories) throws -> SearchFilters {
        var checks = FieldChecks()
        let kind = request.kind == nil ? .product : checks.oneOf("kind", request.kind, as: SearchKind.self)
        var category: String?
        if let id = request.category, !id.isEmpty {
            if categories.contains(id) { category = id } else { checks.fail("category", "is not a category of GET /v1/categories") }
        }
        let country = request.country.flatMap { $0.isEmpty ? nil : checks.country("country", $0) }
        var currency = request.currency.flatMap { $0.isEmpty ? nil : checks.currency("currency", $0) }
        let priceMin = request.priceMin.flatMap { checks.amount("priceMin", $0) }
        let priceMax = request.priceMax.flatMap { checks.amount("priceMax", $0) }
        // Prices compare in one currency; B2B trade quotes in US dollars unless told otherwise. A
        // range whose minimum exceeds its maximum simply matches nothing.
        if (priceMin != nil || priceMax != nil), currency == nil { currency = "USD" }
        try checks.finish()
        return SearchFilters(
            kind: kind ?? .product, category: category, categoryIDs: category.map(categories.subtree), country: country,
            currency: currency, priceMin: priceMin, priceMax: priceMax, verifiedOnly: request.verifiedOnly ?? false)
    }
}
