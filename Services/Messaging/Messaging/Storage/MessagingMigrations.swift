import Persistence

/// The messaging schema: the companies, members, RFQs and quotes it knows from other services'
/// events, conversations between two companies with their messages and read state, blocks,
/// reports and staff reads, notifications, and each person's live feed.
enum MessagingMigrations {
    static let all: [Migration] = [
        Migration(source: "messaging", version: 1, name: "conversations", sql: """
            -- Companies and who acts for them, as accounts' events describe them.
            CREATE TABLE companies (
                company_id      uuid        PRIMARY KEY,
                name            text        NOT NULL,
                business_type   text        NOT NULL,
                cancelled       boolean     NOT NULL DEFAULT false,
                card_changed_at timestamptz NOT NULL
            );
            CREATE TABLE members (
                account_id uuid PRIMARY KEY,
                company_id uuid NOT NULL REFERENCES companies (company_id)
            );
            CREATE INDEX members_company ON members (company_id);
            -- RFQs and quotes as matchmaking's events describe them: who may talk about which.
            CREATE TABLE rfqs (
                rfq_id           uuid   PRIMARY KEY,
                buyer_company_id uuid   NOT NULL,
                title            text   NOT NULL,
                matched          uuid[] NOT NULL
            );
            CREATE TABLE quotes (
                quote_id            uuid PRIMARY KEY,
                rfq_id              uuid NOT NULL,
                buyer_company_id    uuid NOT NULL,
                supplier_company_id uuid NOT NULL
            );

            -- One conversation per pair of companies and subject; last_seq numbers its messages.
            CREATE TABLE conversations (
                id              uuid        PRIMARY KEY,
                started_by      uuid        NOT NULL,
                recipient       uuid        NOT NULL CHECK (recipient <> started_by),
                subject_kind    text        CHECK (subject_kind IN ('product', 'exhibitor', 'rfq', 'quote')),
                subject_id      uuid,
                subject_title   text,
                created_at      timestamptz NOT NULL,
                last_message_at timestamptz NOT NULL,
                last_seq        bigint      NOT NULL DEFAULT 0
            );
            CREATE UNIQUE INDEX conversations_pair ON conversations (
                least(started_by, recipient), greatest(started_by, recipient), coalesce(subject_kind, ''),
                coalesce(subject_id, '00000000-0000-0000-0000-000000000000'));
            CREATE INDEX conversations_started_by ON conversations (started_by, last_message_at, id);
            CREATE INDEX conversations_recipient ON conversations (recipient, last_message_at, id);
            CREATE INDEX conversations_last_message_at ON conversations (last_message_at);

            CREATE TABLE messages (
                id              uuid        PRIMARY KEY,
                conversation_id uuid        NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
                seq             bigint      NOT NULL,
                company_id      uuid        NOT NULL,
                author_id       uuid,
                text            text        NOT NULL,
                attachments     jsonb       NOT NULL DEFAULT '[]',
                created_at      timestamptz NOT NULL,
                edited_at       timestamptz,
                removed         boolean     NOT NULL DEFAULT false,
                contact_warning boolean     NOT NULL DEFAULT false,
                UNIQUE (conversation_id, seq)
            );
            CREATE INDEX messages_author ON messages (author_id) WHERE author_id IS NOT NULL;
            -- "Delete for me": hidden from one person only.
            CREATE TABLE hidden_messages (
                account_id uuid NOT NULL,
                message_id uuid NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
                PRIMARY KEY (account_id, message_id)
            );
            -- Each member's read position; pending_since is when the oldest unread message not yet
            -- reminded about arrived (NULL: nothing to remind of).
            CREATE TABLE reads (
                conversation_id uuid        NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
                account_id      uuid        NOT NULL,
                company_id      uuid        NOT NULL,
                up_to_seq       bigint      NOT NULL DEFAULT 0,
                read_at         timestamptz,
                reminded_seq    bigint      NOT NULL DEFAULT 0,
                pending_since   timestamptz,
                PRIMARY KEY (conversation_id, account_id)
            );
            CREATE INDEX reads_account ON reads (account_id);
            CREATE INDEX reads_pending ON reads (pending_since) WHERE pending_since IS NOT NULL;

            CREATE TABLE blocks (
                company_id         uuid        NOT NULL,
                blocked_company_id uuid        NOT NULL,
                blocked_by         uuid,
                blocked_at         timestamptz NOT NULL,
                PRIMARY KEY (company_id, blocked_company_id)
            );
            CREATE INDEX blocks_blocked_by ON blocks (blocked_by) WHERE blocked_by IS NOT NULL;
            CREATE TABLE reports (
                id              uuid        PRIMARY KEY,
                conversation_id uuid        NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
                message_id      uuid,
                reason          text        NOT NULL,
                reported_by     uuid,
                company_id      uuid        NOT NULL,
                created_at      timestamptz NOT NULL
            );
            CREATE INDEX reports_created_at ON reports (created_at, id);
            CREATE INDEX reports_conversation ON reports (conversation_id);
            -- Every time staff read a reported conversation; shown in the participants' exports.
            CREATE TABLE staff_reads (
                id              bigserial   PRIMARY KEY,
                conversation_id uuid        NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
                staff_id        uuid        NOT NULL,
                read_at         timestamptz NOT NULL DEFAULT now()
            );
            CREATE INDEX staff_reads_conversation ON staff_reads (conversation_id);

            CREATE TABLE notifications (
                id         uuid        PRIMARY KEY,
                account_id uuid        NOT NULL,
                type       text        NOT NULL,
                title      text        NOT NULL,
                data       jsonb       NOT NULL,
                created_at timestamptz NOT NULL,
                read_at    timestamptz
            );
            CREATE INDEX notifications_account ON notifications (account_id, created_at, id);

            -- Each person's live feed, numbered from 1 in commit order (the head row is locked by
            -- every append), so a reconnecting socket resumes after a cursor without gaps or repeats.
            CREATE TABLE feed_heads (
                account_id  uuid   PRIMARY KEY,
                last_cursor bigint NOT NULL
            );
            CREATE TABLE feed (
                account_id uuid        NOT NULL,
                cursor     bigint      NOT NULL,
                type       text        NOT NULL,
                data       text        NOT NULL,
                created_at timestamptz NOT NULL,
                PRIMARY KEY (account_id, cursor)
            );
            CREATE INDEX feed_created_at ON feed (created_at);
            """),
        Migration(source: "messaging", version: 2, name: "legal holds", sql: """
            -- Conversations that are evidence in an open complaint (from complaints' events): the
            -- erasure of what is in them waits until the complaint closes.
            CREATE TABLE legal_holds (
                complaint_id    uuid NOT NULL,
                conversation_id uuid NOT NULL,
                PRIMARY KEY (complaint_id, conversation_id)
            );
            CREATE INDEX legal_holds_conversation ON legal_holds (conversation_id);
            """),
    ]
}
