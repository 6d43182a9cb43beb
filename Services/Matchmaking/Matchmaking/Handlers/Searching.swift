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
        await records.searched(request.query, kind: filters.kind, by: context.message.actor, logger: context.logger)
        return try await database.transaction { connection in
            try await Self.preferIndexes(on: connection, logger: context.logger)
            let statements = try await statements(query, filters, limit: limit, after: after, on: connection, logger: context.logger)
            var facetRows: [(String, String, Int)] = []
            for try await row in try await connection.query(statements.facets, logger: context.logger).decode((String, String, Int).self) {
                facetRows.append(row)
            }
            var results: [(SearchResult, Cursor)] = []
            for try await row in try await connection.query(statements.page, logger: context.logger)
                .decode((Int64, UUID, String, String, UUID, String, String, Bool, String?, Decimal?, Decimal?, String?).self) {
                let (key, id, name, marked, companyID, companyName, country, verified, categoryID, priceMin, priceMax, currency) = row
                let (snippet, highlights) = Snippet.parse(marked)
                let price = PriceRange(stored: priceMin, priceMax, currency)
                results.append((SearchResult(
                    kind: filters.kind, id: id, name: name, snippet: snippet, highlights: highlights,
                    score: query.isEmpty ? 0 : Double(key) / SearchSQL.scoreScale, companyID: companyID, companyName: companyName,
                    country: country, verified: verified, categoryID: categoryID, price: price),
                    Cursor(position: key, id: id.uuidString.lowercased())))
            }
            let page = Cursor.page(results, limit: limit)
            let total = facetRows.filter { $0.0 == "country" }.reduce(0) { $0 + $1.2 }
            return SearchResults(
                results: page.items, facets: facets(facetRows, under: filters.category), total: total,
                totalIsExact: total < SearchSQL.candidates, nextCursor: page.nextCursor)
        }
    }

    /// The facet and page statements of a search, with their binds (see `SearchSQL`).
    func statements(
        _ query: SearchQuery, _ filters: SearchFilters, limit: Int, after: Cursor, on connection: PostgresConnection, logger: Logger
    ) async throws -> (facets: PostgresQuery, page: PostgresQuery) {
        let corrections = try await Self.corrections(for: query, on: connection, logger: logger)
        var binds = PostgresBindings()
        binds.append(!query.isEmpty)
        binds.append(query.tolerant(corrections))
        binds.append(query.exact)
        binds.append(filters.categoryIDs)
        binds.append(filters.country)
        binds.append(filters.currency)
        try binds.append(filters.priceMin)
        try binds.append(filters.priceMax)
        binds.append(filters.verifiedOnly)
        let matched = filters.kind == .product ? SearchSQL.products : SearchSQL.exhibitors
        let facets = PostgresQuery(unsafeSQL: matched + SearchSQL.facets, binds: binds)
        binds.append(after.position)
        binds.append(after.id)
        binds.append(limit + 1)
        let page = PostgresQuery(unsafeSQL: matched + (filters.kind == .product ? SearchSQL.productPage : SearchSQL.exhibitorPage), binds: binds)
        return (facets, page)
    }

    /// The match set is capped (`SearchSQL.candidates`), and a capped query looks cheap as a scan
    /// of the whole table that stops early; for a rare match it reads all of it (1.5 GB at a
    /// million products). The indexes always find the matches, so the planner is told to use them,
    /// for this transaction only.
    static func preferIndexes(on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("SET LOCAL enable_seqscan = off", logger: logger)
    }

    /// Both statements of a search under `EXPLAIN (ANALYZE, BUFFERS)`, for the benchmark's plans.
    func explainSearch(_ request: Search, logger: Logger) async throws -> String {
        let filters = try SearchFilters.read(request, categories: categories)
        let (limit, after) = try Cursor.read(request.page)
        return try await database.transaction { connection in
            try await Self.preferIndexes(on: connection, logger: logger)
            let statements = try await statements(SearchQuery(request.query), filters, limit: limit, after: after, on: connection, logger: logger)
            var lines: [String] = []
            for (name, statement) in [("facets", statements.facets), ("page", statements.page)] {
                lines.append("-- \(name)")
                let explained = PostgresQuery(unsafeSQL: "EXPLAIN (ANALYZE, BUFFERS) " + statement.sql, binds: statement.binds)
                for try await line in try await connection.query(explained, logger: logger).decode(String.self) { lines.append(line) }
            }
            return lines.joined(separator: "\n")
        }
    }

    /// Up to three dictionary words near each correctable query word (trigram similarity).
    static func corrections(for query: SearchQuery, on connection: PostgresConnection, logger: Logger) async throws -> [String: [String]] {
        guard !query.correctable.isEmpty else { return [:] }
        var corrections: [String: [String]] = [:]
        let rows = try await connection.query("""
            SELECT w.word, t.term FROM unnest(\(query.correctable)::text[]) AS w(word)
            CROSS JOIN LATERAL (SELECT term FROM search_terms WHERE term % w.word
                                ORDER BY similarity(term, w.word) DESC, term LIMIT 3) t
            """, logger: logger)
        for try await (word, term) in rows.decode((String, String).self) { corrections[word, default: []].append(term) }
        return corrections
    }

    /// Category counts rolled up to the level below the filtered category (top level without one).
    func facets(_ rows: [(String, String, Int)], under root: String?) -> SearchFacets {
        var byCategory: [String: Int] = [:]
        var byCountry: [CountryFacet] = []
        for (facet, value, count) in rows {
            if facet == "country" {
                byCountry.append(CountryFacet(code: value, count: count))
            } else if let branch = categories.branch(of: value, under: root) {
                byCategory[branch, default: 0] += count
            }
        }
        return SearchFacets(
            category: byCategory.map { CategoryFacet(id: $0.key, count: $0.value) }.sorted { ($1.count, $0.id) < ($0.count, $1.id) },
            country: byCountry.sorted { ($1.count, $0.code) < ($0.count, $1.code) })
    }
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
