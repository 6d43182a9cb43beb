/// The search statements. Their binds, in order: $1 whether there is a query, $2 the tolerant
/// tsquery, $3 the exact one, $4 category ids (the filter's subtree), $5 country, $6 currency,
/// $7 minimum price, $8 maximum price, $9 verified only; pages add $10 and $11 (the cursor) and
/// $12 (the limit). Every filter is a column of `q`, so each bind is typed even where the kind
/// ignores it: products are listed only while their supplier is verified, exhibitors have no price. `matched` yields (id, key, category_id, country); without a query the key is
/// the update time, so an empty search lists the newest first.
enum SearchSQL {
    /// Ranks are scaled to whole numbers so the cursor (a keyset) compares them exactly.
    static let scoreScale = 1_000_000.0

    /// At most this many matches are ranked, counted and faceted, so a query that matches a large
    /// part of the catalogue (a two-letter prefix) costs what a narrow one does. Past it, `total`
    /// is a lower bound (`totalIsExact: false`) and the ranking is over these matches only.
    static let candidates = 5_000

    static let products = """
        WITH q AS (SELECT to_tsquery('english', $2) AS tolerant, to_tsquery('english', $3) AS exact, $6::text AS currency,
                  $7::numeric AS price_min, $8::numeric AS price_max, $9::bool AS verified_only),
        matched AS (
            SELECT p.id, p.category_id, p.country,
                   CASE WHEN $1 THEN (1000000 * (2 * ts_rank('{0.1, 0.2, 0.4, 1.0}', p.search, q.exact)
                                                 + ts_rank('{0.1, 0.2, 0.4, 1.0}', p.search, q.tolerant)))::int8
                        ELSE floor(extract(epoch FROM p.updated_at) * 1000000)::int8 END AS key
            FROM products p, q
            WHERE p.listed AND (NOT $1 OR p.search @@ q.tolerant)
              AND ($4::text[] IS NULL OR p.category_id = ANY($4::text[]))
              AND ($5::text IS NULL OR p.country = $5::text)
              AND (q.currency IS NULL OR p.currency = q.currency)
              AND (q.price_min IS NULL OR p.price_max >= q.price_min)
              AND (q.price_max IS NULL OR p.price_min <= q.price_max)
              AND NOT EXISTS (SELECT 1 FROM members m JOIN processing_restrictions r ON r.account_id = m.account_id
                              WHERE m.company_id = p.company_id)
            -- Without words, the newest come first (from the listed index, in order).
            ORDER BY CASE WHEN $1 THEN NULL ELSE p.updated_at END DESC
            LIMIT \(candidates)
        )
        """

    static let exhibitors = """
        WITH q AS (SELECT to_tsquery('english', $2) AS tolerant, to_tsquery('english', $3) AS exact, $6::text AS currency,
                  $7::numeric AS price_min, $8::numeric AS price_max, $9::bool AS verified_only),
        matched AS (
            SELECT e.company_id AS id, NULL::text AS category_id, c.country, e.category_ids,
                   CASE WHEN $1 THEN (1000000 * (2 * ts_rank('{0.1, 0.2, 0.4, 1.0}', e.search, q.exact)
                                                 + ts_rank('{0.1, 0.2, 0.4, 1.0}', e.search, q.tolerant)))::int8
                        ELSE floor(extract(epoch FROM e.updated_at) * 1000000)::int8 END AS key
            FROM exhibitors e JOIN companies c ON c.company_id = e.company_id, q
            WHERE (NOT $1 OR e.search @@ q.tolerant)
              AND \(ExhibitorRecords.shown)
              AND ($4::text[] IS NULL OR e.category_ids && $4::text[])
              AND ($5::text IS NULL OR c.country = $5::text)
              AND (NOT q.verified_only OR c.verified)
            LIMIT \(candidates)
        )
        """

    /// (facet, value, count): categories and countries of every match.
    static let facets = """
        SELECT 'category', category_id, count(*)::int8 FROM matched WHERE category_id IS NOT NULL GROUP BY category_id
        UNION ALL
        SELECT 'country', country, count(*)::int8 FROM matched GROUP BY country
        """

    static let headline = """
        CASE WHEN $1 THEN ts_headline('english', %@, q.tolerant,
                                      'StartSel=' || chr(1) || ', StopSel=' || chr(2) || ', MaxWords=30, MinWords=12, MaxFragments=2')
             ELSE left(%@, 240) END
        """

    static let productPage = """
        SELECT m.key, p.id, p.name, \(headline.replacingOccurrences(of: "%@", with: "coalesce(p.description, p.name)")),
               p.company_id, c.name, p.country, c.verified, p.category_id, p.price_min, p.price_max, p.currency
        FROM (SELECT * FROM matched WHERE (key, id::text) < ($10, $11) ORDER BY key DESC, id::text DESC LIMIT $12) m
        JOIN products p ON p.id = m.id JOIN companies c ON c.company_id = p.company_id, q
        ORDER BY m.key DESC, m.id::text DESC
        """

    static let exhibitorPage = """
        SELECT m.key, c.company_id, c.name, \(headline.replacingOccurrences(of: "%@", with: "coalesce(e.description, c.name)")),
               c.company_id, c.name, c.country, c.verified, NULL::text, NULL::numeric, NULL::numeric, NULL::text
        FROM (SELECT * FROM matched WHERE (key, id::text) < ($10, $11) ORDER BY key DESC, id::text DESC LIMIT $12) m
        JOIN exhibitors e ON e.company_id = m.id JOIN companies c ON c.company_id = m.id, q
        ORDER BY m.key DESC, m.id::text DESC
        """
}
