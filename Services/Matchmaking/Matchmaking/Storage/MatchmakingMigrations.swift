import Persistence

/// The matchmaking schema: the companies projection (from accounts' events), showcases, products
/// with their search vectors, the dictionary that makes search typo-tolerant, and follows.
enum MatchmakingMigrations {
    static let all: [Migration] = [
        Migration(source: "matchmaking", version: 1, name: "catalogue", sql: """
            -- Companies as accounts' events describe them; never asked for per request.
            CREATE TABLE companies (
                company_id            uuid        PRIMARY KEY,
                name                  text        NOT NULL,
                business_type         text        NOT NULL,
                industry              text        NOT NULL,
                country               text        NOT NULL,
                verified              boolean     NOT NULL DEFAULT false,
                cancelled             boolean     NOT NULL DEFAULT false,
                card_changed_at       timestamptz NOT NULL,
                verification_changed_at timestamptz
            );
            -- Who acts for which company (one member each until company teams arrive).
            CREATE TABLE members (
                account_id uuid PRIMARY KEY,
                company_id uuid NOT NULL REFERENCES companies (company_id)
            );
            CREATE INDEX members_company ON members (company_id);

            CREATE TABLE exhibitors (
                company_id       uuid        PRIMARY KEY REFERENCES companies (company_id),
                description      text,
                category_ids     text[]      NOT NULL DEFAULT '{}',
                website          text,
                year_established integer,
                employees        text,
                main_markets     text[]      NOT NULL DEFAULT '{}',
                updated_at       timestamptz NOT NULL DEFAULT now(),
                updated_by       uuid,
                search           tsvector    NOT NULL
            );
            CREATE INDEX exhibitors_search ON exhibitors USING gin (search);

            -- listed: published, and its company verified, not cancelled. Kept on the row (the
            -- company events rewrite it) so search reads one partial index.
            CREATE TABLE products (
                id               uuid        PRIMARY KEY,
                company_id       uuid        NOT NULL REFERENCES companies (company_id),
                country          text        NOT NULL,
                name             text        NOT NULL,
                category_id      text        NOT NULL,
                description      text,
                specifications   jsonb       NOT NULL DEFAULT '[]',
                price_min        numeric,
                price_max        numeric,
                currency         text,
                minimum_quantity numeric,
                minimum_unit     text,
                pictures         text[]      NOT NULL DEFAULT '{}',
                keywords         text[]      NOT NULL DEFAULT '{}',
                status           text        NOT NULL CHECK (status IN ('draft', 'published')),
                listed           boolean     NOT NULL DEFAULT false,
                created_by       uuid,
                updated_by       uuid,
                created_at       timestamptz NOT NULL DEFAULT now(),
                updated_at       timestamptz NOT NULL DEFAULT now(),
                search           tsvector    NOT NULL
            );
            CREATE INDEX products_search ON products USING gin (search) WHERE listed;
            CREATE INDEX products_listed ON products (updated_at DESC, id) WHERE listed;
            CREATE INDEX products_company ON products (company_id, created_at DESC, id);

            -- Every word of product names and keywords, for correcting a query's typos.
            CREATE TABLE search_terms (term text PRIMARY KEY);
            CREATE INDEX search_terms_trigrams ON search_terms USING gin (term gin_trgm_ops);

            CREATE TABLE follows (
                account_id  uuid        NOT NULL,
                kind        text        NOT NULL CHECK (kind IN ('exhibitor', 'product')),
                target_id   uuid        NOT NULL,
                followed_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (account_id, kind, target_id)
            );
            CREATE INDEX follows_target ON follows (kind, target_id);
            """),
    ]
}
