/// Tables every service schema has: the outbox, the inbox and the idempotency keys.
/// Applied before the service's own migrations (`source` keeps the two numberings apart).
extension Migration {
    public static let platform: [Migration] = [
        Migration(source: "platform", version: 1, name: "outbox", sql: """
            -- Events written in the same transaction as the change they describe; the relay publishes them.
            -- state: pending -> published (confirmed by the broker). Rows are kept a while for audit, then swept.
            CREATE TABLE outbox (
                id             bigserial PRIMARY KEY,
                message_id     uuid        NOT NULL UNIQUE,
                type           text        NOT NULL,
                correlation_id text,
                traceparent    text,
                occurred_at    timestamptz NOT NULL,
                body           bytea       NOT NULL,
                state          text        NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'published')),
                attempts       integer     NOT NULL DEFAULT 0,
                last_error     text,
                published_at   timestamptz
            );
            CREATE INDEX outbox_pending ON outbox (id) WHERE state = 'pending';
            CREATE INDEX outbox_published_at ON outbox (published_at) WHERE state = 'published';
            """),
        Migration(source: "platform", version: 2, name: "inbox", sql: """
            -- Every event this service has acted on, recorded in the same transaction as the effect, so a
            -- redelivered message is recognised and skipped.
            CREATE TABLE inbox (
                message_id text        PRIMARY KEY,
                type       text        NOT NULL,
                handled_at timestamptz NOT NULL DEFAULT now()
            );
            CREATE INDEX inbox_handled_at ON inbox (handled_at);
            """),
        Migration(source: "platform", version: 3, name: "idempotency keys", sql: """
            -- The first reply to a POST carrying an Idempotency-Key, so a retry gets it again instead of a second effect.
            CREATE TABLE idempotency_keys (
                scope        text        NOT NULL,
                key          text        NOT NULL,
                request_type text        NOT NULL,
                request_hash text        NOT NULL,
                response     bytea       NOT NULL,
                created_at   timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (scope, key)
            );
            CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);
            """),
        Migration(source: "platform", version: 4, name: "outbox routing suffix", sql: """
            -- Appended to the routing key after the type, so consumers can bind to part of one event type (one person's).
            ALTER TABLE outbox ADD COLUMN routing_suffix text;
            """),
        Migration(source: "platform", version: 5, name: "outbox secrets", sql: """
            -- An event carrying a secret (EventContract.carriesSecret) is deleted once published, not kept.
            ALTER TABLE outbox ADD COLUMN secret boolean NOT NULL DEFAULT false;
            """),
        Migration(source: "platform", version: 6, name: "retention runs", sql: """
            -- What each run of the retention sweeper removed, rule by rule: the staff's retention report.
            CREATE TABLE retention_runs (
                rule     text        NOT NULL,
                swept_at timestamptz NOT NULL,
                removed  integer     NOT NULL
            );
            CREATE INDEX retention_runs_rule ON retention_runs (rule, swept_at);
            CREATE INDEX retention_runs_swept_at ON retention_runs (swept_at);
            """),
        Migration(source: "platform", version: 7, name: "outbox commit notice", sql: """
            -- Tells every replica's relay that outbox rows committed (PostgreSQL delivers a NOTIFY on commit, once per
            -- transaction), so the one that did not write them publishes at once instead of at its next poll.
            -- One channel for every schema of the database, the schema as the payload: a channel name holds 63 bytes, and
            -- a schema's name alone may take them all. Replaced by a channel per schema in version 8.
            CREATE FUNCTION outbox_notify_commit() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_notify('outbox_committed', TG_TABLE_SCHEMA);
                RETURN NULL;
            END
            $$;
            CREATE TRIGGER outbox_notify_commit AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify_commit();
            """),
        Migration(source: "platform", version: 8, name: "outbox commit notice per schema", sql: """
            -- A channel per schema, so a commit wakes only its own service's relays: with one shared channel every
            -- replica of every service was woken by every commit and dropped what was not its own. The MD5 of the
            -- schema's name keeps the channel within the 63 bytes a channel name holds. `OutboxRelay` listens on
            -- `outbox_commit_channel(current_schema())`.
            CREATE FUNCTION outbox_commit_channel(schema text) RETURNS text LANGUAGE sql IMMUTABLE
                AS $$ SELECT 'outbox_' || md5(schema) $$;
            CREATE OR REPLACE FUNCTION outbox_notify_commit() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_notify(outbox_commit_channel(TG_TABLE_SCHEMA), TG_TABLE_SCHEMA);
                RETURN NULL;
            END
            $$;
            """),
    ]
}
