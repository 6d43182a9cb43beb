import Persistence

/// The matchmaking schema: the companies projection (from accounts' events), showcases, products
/// with their search listings, the dictionary that makes search typo-tolerant, follows, and
/// purchasing requirements with their matches and quotes, online records and consent choices.
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
        Migration(source: "matchmaking", version: 2, name: "purchasing requirements", sql: """
            -- status is what was decided; an open RFQ past its deadline reads as expired even before
            -- the expiry timer (which flips it and announces it once) has run.
            CREATE TABLE rfqs (
                id                  uuid        PRIMARY KEY,
                buyer_company_id    uuid        NOT NULL REFERENCES companies (company_id),
                posted_by           uuid,
                title               text        NOT NULL,
                category_id         text        NOT NULL,
                description         text,
                quantity            numeric     NOT NULL,
                unit                text        NOT NULL,
                target_price        numeric,
                target_currency     text,
                destination_country text        NOT NULL,
                deadline            timestamptz NOT NULL,
                status              text        NOT NULL CHECK (status IN ('open', 'closed', 'expired')),
                created_at          timestamptz NOT NULL DEFAULT now(),
                closed_at           timestamptz
            );
            CREATE INDEX rfqs_due ON rfqs (deadline) WHERE status = 'open';
            CREATE INDEX rfqs_buyer ON rfqs (buyer_company_id, created_at DESC, id);

            -- The suppliers an RFQ was sent to; fit: 3 lists products in its very category, 2 in a
            -- category below it, 1 names a related category in its showcase.
            CREATE TABLE rfq_matches (
                rfq_id     uuid    NOT NULL REFERENCES rfqs (id) ON DELETE CASCADE,
                company_id uuid    NOT NULL,
                fit        integer NOT NULL,
                PRIMARY KEY (rfq_id, company_id)
            );
            CREATE INDEX rfq_matches_company ON rfq_matches (company_id);

            CREATE TABLE quotes (
                id                  uuid        PRIMARY KEY,
                rfq_id              uuid        NOT NULL REFERENCES rfqs (id) ON DELETE CASCADE,
                supplier_company_id uuid        NOT NULL REFERENCES companies (company_id),
                submitted_by        uuid,
                unit_price          numeric     NOT NULL,
                currency            text        NOT NULL,
                lead_time_days      integer     NOT NULL,
                terms               text,
                status              text        NOT NULL CHECK (status IN ('submitted', 'accepted', 'declined')),
                created_at          timestamptz NOT NULL DEFAULT now(),
                updated_at          timestamptz NOT NULL DEFAULT now(),
                decided_at          timestamptz,
                UNIQUE (rfq_id, supplier_company_id)
            );
            """),
        Migration(source: "matchmaking", version: 3, name: "online records", sql: """
            -- What signed-in people looked at and searched for (seed, "online records"), never of
            -- anonymous visitors; kept a year, deleted on request.
            CREATE TABLE visits (
                id                bigserial   PRIMARY KEY,
                account_id        uuid        NOT NULL,
                session_id        uuid,
                viewer_company_id uuid,
                kind              text        NOT NULL CHECK (kind IN ('exhibitor', 'product')),
                target_id         uuid        NOT NULL,
                target_company_id uuid        NOT NULL,
                visited_at        timestamptz NOT NULL DEFAULT now(),
                duration_seconds  integer
            );
            CREATE INDEX visits_account ON visits (account_id, visited_at DESC);
            CREATE INDEX visits_target_company ON visits (target_company_id, visited_at DESC);
            CREATE INDEX visits_time ON visits (visited_at);

            CREATE TABLE searches (
                id          bigserial   PRIMARY KEY,
                account_id  uuid        NOT NULL,
                session_id  uuid,
                query       text        NOT NULL,
                kind        text        NOT NULL,
                searched_at timestamptz NOT NULL DEFAULT now()
            );
            CREATE INDEX searches_account ON searches (account_id, searched_at DESC);
            CREATE INDEX searches_time ON searches (searched_at);

            -- Cookie and personalization choices from data-rights' events; no row means no consent.
            CREATE TABLE consents (
                subject_id      uuid        PRIMARY KEY,
                analytics       boolean     NOT NULL,
                personalization boolean     NOT NULL,
                changed_at      timestamptz NOT NULL
            );
            """),
        Migration(source: "matchmaking", version: 4, name: "category browsing", sql: """
            -- Browsing a category (no words) finds its listed products without walking the others.
            CREATE INDEX products_category ON products (category_id, updated_at DESC) WHERE listed;
            """),
        Migration(source: "matchmaking", version: 5, name: "search listings", sql: """
            -- What search reads: one narrow row per listed product (products with their
            -- descriptions and specifications took 1.5 GB for a million, against 0.64 GB, and a
            -- broad match read 1 GB of them). Filters are index entries beside the words
            -- ('country:DE', 'category:pumps'), so one index scan intersects a word with a
            -- country or a category's subtree.
            CREATE TABLE listings (
                product_id  uuid        PRIMARY KEY REFERENCES products (id) ON DELETE CASCADE,
                company_id  uuid        NOT NULL,
                category_id text        NOT NULL,
                country     text        NOT NULL,
                currency    text,
                price_min   numeric,
                price_max   numeric,
                updated_at  timestamptz NOT NULL,
                filters     text[]      NOT NULL,
                search      tsvector    NOT NULL
            );
            -- New entries wait in a pending list that every search reads through; a short one
            -- keeps searches quick while products are written, until autovacuum merges it.
            CREATE INDEX listings_match ON listings USING gin (search, filters) WITH (gin_pending_list_limit = 256);
            -- Browsing without words, newest first, from the index alone.
            CREATE INDEX listings_newest ON listings (updated_at DESC) INCLUDE (product_id, company_id, category_id, country);
            CREATE INDEX listings_category ON listings (category_id, updated_at DESC) INCLUDE (product_id, company_id, country);
            INSERT INTO listings (product_id, company_id, category_id, country, currency, price_min, price_max, updated_at, filters, search)
            SELECT id, company_id, category_id, country, currency, price_min, price_max, updated_at,
                   ARRAY['country:' || country, 'category:' || category_id], search
            FROM products WHERE listed;
            DROP INDEX products_search;
            DROP INDEX products_listed;
            ALTER TABLE products DROP COLUMN search;
            """),
        Migration(source: "matchmaking", version: 6, name: "activity days", sql: """
            -- The days a person was seen (a visit or a search recorded), so that marketing hears of
            -- their activity once a day, not on every page; kept two days.
            CREATE TABLE activity_days (
                account_id uuid NOT NULL,
                day        date NOT NULL,
                PRIMARY KEY (account_id, day)
            );
            """),
        Migration(source: "matchmaking", version: 7, name: "verification under review", sql: """
            -- A verified company that changed its name or country stays listed under its earlier
            -- approval while staff review it again; its showcase says so.
            ALTER TABLE companies ADD COLUMN verification_under_review boolean NOT NULL DEFAULT false;
            """),
        Migration(source: "matchmaking", version: 8, name: "legal holds", sql: """
            -- RFQs and quotes that are evidence in an open complaint (from complaints' events): the
            -- erasure of who posted or submitted them waits until the complaint closes.
            CREATE TABLE legal_holds (
                complaint_id uuid NOT NULL,
                kind         text NOT NULL CHECK (kind IN ('rfq', 'quote')),
                target_id    uuid NOT NULL,
                PRIMARY KEY (complaint_id, kind, target_id)
            );
            CREATE INDEX legal_holds_target ON legal_holds (kind, target_id);
            """),
    ]
}
