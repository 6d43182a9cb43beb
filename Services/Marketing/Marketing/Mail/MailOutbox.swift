import Foundation
import Logging
import Persistence
import ServiceRuntime
import PostgresNIO

/// The mail outbox: every mail the platform sends is first a row here, written in the
/// transaction of whatever caused it (an event, a campaign batch), so a crash never loses one;
/// the sender marks it sent only after the relay accepted it. States:
///
/// - `queued`: waiting for its first attempt; `deferred`: a 4xx or an unreachable relay, retried
///   from `next_attempt_at` with a doubling backoff; `sending`: claimed by a sender until
///   `lease_until` (a replica that died mid-send leaves it to be claimed again, with the same
///   `Message-ID`);
/// - finished: `sent` (the relay's 2xx), `failed` (a 5xx for the mail, or out of retries),
///   `bounced` (the address was refused: suppressed from then on), `suppressed` (never sent: the
///   address is on the suppression list, or, for marketing, the person withdrew consent, objected
///   or restricted processing between queueing and sending), `cancelled` (withdrawn with its
///   campaign). A finished mail keeps its record, not its body.
enum MailOutbox {
    static let migrations: [Migration] = [
        Migration(source: "marketing", version: 2, name: "mail outbox", sql: """
            CREATE TABLE mail_outbox (
                id              uuid        PRIMARY KEY,
                account_id      uuid,
                purpose         text        NOT NULL,
                marketing       boolean     NOT NULL,
                dedupe_key      text        UNIQUE,
                recipient       text        NOT NULL,
                message         bytea,
                state           text        NOT NULL DEFAULT 'queued'
                    CHECK (state IN ('queued', 'sending', 'deferred', 'sent', 'failed', 'bounced', 'suppressed')),
                attempts        integer     NOT NULL DEFAULT 0,
                next_attempt_at timestamptz NOT NULL DEFAULT now(),
                lease_until     timestamptz,
                relay_code      integer,
                relay_reply     text,
                queued_at       timestamptz NOT NULL DEFAULT now(),
                finished_at     timestamptz
            );
            -- Transactional mail first: the sender claims in (marketing, next_attempt_at) order.
            CREATE INDEX mail_outbox_due ON mail_outbox (marketing, next_attempt_at) WHERE state IN ('queued', 'deferred', 'sending');
            CREATE INDEX mail_outbox_account ON mail_outbox (account_id);
            -- Every attempt and the relay's answer to it.
            CREATE TABLE mail_attempts (
                mail_id     uuid        NOT NULL REFERENCES mail_outbox ON DELETE CASCADE,
                attempt     integer     NOT NULL,
                at          timestamptz NOT NULL DEFAULT now(),
                outcome     text        NOT NULL CHECK (outcome IN ('sent', 'deferred', 'failed', 'bounced')),
                relay_code  integer     NOT NULL,
                relay_reply text        NOT NULL,
                PRIMARY KEY (mail_id, attempt)
            );
            -- Addresses never mailed again, by the SHA-256 of the normalised address: a hard
            -- rejection or a reported bounce, and an erased person's address (so a re-import of it
            -- stays unmailed) are kept without the address itself.
            -- The suppression key of an address: the one place addresses are normalised for it.
            CREATE FUNCTION mail_address_hash(address text) RETURNS bytea LANGUAGE sql IMMUTABLE AS $$ SELECT sha256(convert_to(lower(btrim(address)), 'UTF8')) $$;
            CREATE TABLE mail_suppressions (
                address_hash bytea       PRIMARY KEY,
                reason       text        NOT NULL CHECK (reason IN ('rejected', 'bounced', 'erased')),
                created_at   timestamptz NOT NULL DEFAULT now()
            );
            """),
        Migration(source: "marketing", version: 5, name: "campaign mails", sql: """
            -- A marketing mail's topic (its consent is checked again when it leaves) and campaign (its counts);
            -- `cancelled`: withdrawn with its campaign before it was sent.
            ALTER TABLE mail_outbox ADD COLUMN topic text, ADD COLUMN campaign_id uuid, DROP CONSTRAINT mail_outbox_state_check,
                ADD CONSTRAINT mail_outbox_state_check
                    CHECK (state IN ('queued', 'sending', 'deferred', 'sent', 'failed', 'bounced', 'suppressed', 'cancelled'));
            CREATE INDEX mail_outbox_campaign ON mail_outbox (campaign_id, state) WHERE campaign_id IS NOT NULL;
            -- A queue table: every mail is updated twice within seconds. Vacuumed after a few thousand dead rows,
            -- not a fifth of the table, or the due index fills with dead entries and claims slow down mid-campaign.
            ALTER TABLE mail_outbox SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000,
                                         autovacuum_vacuum_cost_delay = 0);
            """),
        Migration(source: "marketing", version: 7, name: "relay usage", sql: """
            -- Mails handed to the relay per second, by every replica: what its per-second and per-hour limits are checked against.
            CREATE TABLE relay_usage (
                second timestamptz PRIMARY KEY,
                mails  integer     NOT NULL
            );
            """),
    ]

    /// Send records are kept a year (complaints about a mail come within weeks); suppressions stay.
    static let retention = [
        RetentionRule(name: "mail records", sql: "DELETE FROM mail_outbox WHERE finished_at < now() - interval '365 days'"),
        RetentionRule(name: "relay usage", sql: "DELETE FROM relay_usage WHERE second < now() - interval '2 hours'"),
    ]

    /// One mail to queue.
    struct Entry: Sendable {
        var accountID: UUID?
        var purpose: String
        var marketing: Bool
        /// What caused it (a campaign and person); a second entry with the same key is not queued.
        var dedupeKey: String?
        /// The subscription topic a marketing mail belongs to, and its campaign.
        var topic: String? = nil
        var campaignID: UUID? = nil
        var message: MailMessage
    }

    /// Queues `entry` in `transaction`; false when its dedupe key was queued before or the address
    /// is suppressed (the mail is then recorded as `suppressed`, never sent).
    @discardableResult
    static func queue(_ entry: Entry, domain: String, signer: DKIMSigner?, now: Date = Date(), on transaction: Transaction) async throws -> Bool {
        let id = UUID()
        let suppressed = try await isSuppressed(entry.message.to, on: transaction)
        var bytes: ByteBuffer?
        if !suppressed {
            let composed = entry.message.composed(id: id, date: now, domain: domain)
            bytes = ByteBuffer(bytes: try signer?.sign(composed, at: now) ?? composed)
        }
        let finished: Date? = suppressed ? now : nil
        return try await transaction.query("""
            INSERT INTO mail_outbox (id, account_id, purpose, marketing, dedupe_key, recipient, message, state, finished_at, topic, campaign_id)
            VALUES (\(id), \(entry.accountID), \(entry.purpose), \(entry.marketing), \(entry.dedupeKey), \(entry.message.to),
                    \(bytes), \(suppressed ? "suppressed" : "queued"), \(finished), \(entry.topic), \(entry.campaignID))
            ON CONFLICT (dedupe_key) DO NOTHING RETURNING 1
            """).exists && !suppressed
    }

    static func isSuppressed(_ address: String, on transaction: Transaction) async throws -> Bool {
        try await transaction.query("SELECT 1 FROM mail_suppressions WHERE address_hash = mail_address_hash(\(address))").exists
    }
}
