/// The search statement: one per search, so the matches are found once for both the facets and the
/// page. Its binds, in order: $1 whether there is a query, $2 the tolerant tsquery, $3 the exact
/// one, $4 the category filter's subtree and $5 the same as listing entries (`ListingFilter`), $6
/// the country and $7 its listing entry, $8 currency, $9 minimum price, $10 maximum price, $11
/// verified only, $12 and $13 the cursor, $14 the limit. `binds` (never read) types each of them,
/// also those a kind ignores: products are listed only while their supplier is verified,
/// exhibitors have no price and no listing entries.
///
/// `matched` yields (id, key, category_id, country); without a query the key is the update time,
/// so an empty search lists the newest first. The statement's first row carries the facets (as
/// JSON, every other column null), the page's rows follow in order.
enum SearchSQL {
    /// Ranks are scaled to whole numbers so the cursor (a keyset) compares them exactly.
    static let scoreScale = 1_000_000.0

    /// At most this many matches are read, ranked, counted and faceted, so a query that matches a
    /// large part of the catalogue (a two-letter prefix) pays only for finding them in the index.
    /// Past it, `total` is a lower bound (`totalIsExact: false`) and the ranking is over these
    /// matches only.
    static let candidates = 1_000

    /// Weights of the vector's parts: description (D), specifications (C), keywords (B), name (A).
    static let weights = "'{0.1, 0.2, 0.4, 1.0}'"

    /// Exact matches count twice over corrected ones; without corrections the two queries are one.
    static func key(_ vector: String, _ updatedAt: String) -> String {
        """
        CASE WHEN NOT $1 THEN floor(extract(epoch FROM \(updatedAt)) * 1000000)::int8
             WHEN $2 = $3 THEN (1000000 * 3 * ts_rank(\(weights), \(vector), to_tsquery('english', $3)))::int8
             ELSE (1000000 * (2 * ts_rank(\(weights), \(vector), to_tsquery('english', $3))
                              + ts_rank(\(weights), \(vector), to_tsquery('english', $2))))::int8 END AS key
        """
    }

    static let binds = """
        WITH binds AS (SELECT $1::bool, $2::text, $3::text, $4::text[], $5::text[], $6::text, $7::text, $8::text, $9::numeric,
                              $10::numeric, $11::bool, $12::int8, $13::text, $14::int8),
        """

    static let products = """
        \(binds)matched AS MATERIALIZED (
            SELECT l.product_id AS id, l.category_id, l.country, \(key("l.search", "l.updated_at"))
            FROM listings l
            WHERE (NOT $1 OR l.search @@ to_tsquery('english', $2))
              -- With words, a category is an index entry beside them; without, it is browsed in
              -- its own index, newest first, without reading the rows.
              AND ($5::text[] IS NULL OR NOT $1 OR l.filters && $5::text[])
              AND ($4::text[] IS NULL OR $1 OR l.category_id = ANY($4::text[]))
              AND ($7::text IS NULL OR l.filters @> ARRAY[$7::text])
              AND ($8::text IS NULL OR l.currency = $8::text)
              AND ($9::numeric IS NULL OR l.price_max >= $9::numeric)
              AND ($10::numeric IS NULL OR l.price_min <= $10::numeric)
              AND NOT EXISTS (SELECT 1 FROM members m JOIN processing_restrictions r ON r.account_id = m.account_id
                              WHERE m.company_id = l.company_id)
            -- Without words, the newest come first.
            ORDER BY CASE WHEN $1 THEN NULL ELSE l.updated_at END DESC
            LIMIT \(candidates)
        ),
        """

    static let exhibitors = """
        \(binds)matched AS MATERIALIZED (
            SELECT e.company_id AS id, NULL::text AS category_id, c.country, \(key("e.search", "e.updated_at"))
            FROM exhibitors e JOIN companies c ON c.company_id = e.company_id
            WHERE (NOT $1 OR e.search @@ to_tsquery('english', $2))
              AND \(ExhibitorRecords.shown)
              AND ($4::text[] IS NULL OR e.category_ids && $4::text[])
              AND ($6::text IS NULL OR c.country = $6::text)
              AND (NOT $11::bool OR c.verified)
            LIMIT \(candidates)
        ),
        """

    /// The page after the cursor, then the facets row: categories and countries of every match.
    static let page = """
        page AS (SELECT * FROM matched WHERE (key, id::text) < ($12, $13) ORDER BY key DESC, id::text DESC LIMIT $14),
        facets AS (
            SELECT 'category' AS facet, category_id AS value, count(*)::int8 AS count FROM matched
            WHERE category_id IS NOT NULL GROUP BY category_id
            UNION ALL
            SELECT 'country', country, count(*)::int8 FROM matched GROUP BY country
        )
        SELECT NULL::int8 AS key, NULL::uuid AS id, NULL::text, NULL::text, NULL::uuid, NULL::text, NULL::text, NULL::bool, NULL::text,
               NULL::numeric, NULL::numeric, NULL::text, (SELECT coalesce(json_agg(f), '[]') FROM facets f)::text
        UNION ALL

        """

    static let headline = """
        CASE WHEN $1 THEN ts_headline('english', %@, to_tsquery('english', $2),
                                      'StartSel=' || chr(1) || ', StopSel=' || chr(2) || ', MaxWords=30, MinWords=12, MaxFragments=2')
             ELSE left(%@, 240) END
        """

    /// Ordered by key, then id (a uuid orders as its text does); the facets row (null key) first.
    static let order = "ORDER BY key DESC, id DESC"

    static let productPage = """
        SELECT m.key, p.id, p.name, \(headline.replacingOccurrences(of: "%@", with: "coalesce(p.description, p.name)")),
               p.company_id, c.name, p.country, c.verified, p.category_id, p.price_min, p.price_max, p.currency, NULL::text
        FROM page m JOIN products p ON p.id = m.id JOIN companies c ON c.company_id = p.company_id
        \(order)
        """

    static let exhibitorPage = """
        SELECT m.key, c.company_id, c.name, \(headline.replacingOccurrences(of: "%@", with: "coalesce(e.description, c.name)")),
               c.company_id, c.name, c.country, c.verified, NULL::text, NULL::numeric, NULL::numeric, NULL::text, NULL::text
        FROM page m JOIN exhibitors e ON e.company_id = m.id JOIN companies c ON c.company_id = m.id
        \(order)
        """
}
