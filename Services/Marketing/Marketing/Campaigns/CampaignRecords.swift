import Contracts
import Foundation
import MessageBus
import Persistence
import PostgresNIO

/// Campaigns as the marketing team triggered them, and how far each got. States: `scheduled`
/// (waiting for `send_at`), `sending` (batches are queued from `audience_cursor` on, paced by
/// `max_per_second`; once the audience is complete it waits for the relay's answers), `finished`;
/// `paused` and `cancelled` are the staff's. The campaign's id is the sender's, so a repeated
/// trigger finds its row and changes nothing, on whichever replica it lands.
enum CampaignRecords {
    static let migrations: [Migration] = [
        Migration(source: "marketing", version: 6, name: "campaigns", sql: """
            CREATE TABLE campaigns (
                id                uuid        PRIMARY KEY,
                name              text        NOT NULL,
                topic             text        NOT NULL,
                subject           text        NOT NULL,
                html              text        NOT NULL,
                text_body         text        NOT NULL,
                language          text,
                audience          jsonb       NOT NULL,
                max_per_second    integer     NOT NULL,
                source            text        NOT NULL CHECK (source IN ('queue', 'staff')),
                created_by        uuid,
                status            text        NOT NULL DEFAULT 'scheduled'
                    CHECK (status IN ('scheduled', 'sending', 'paused', 'cancelled', 'finished')),
                send_at           timestamptz NOT NULL,
                next_batch_at     timestamptz NOT NULL,
                -- The audience is walked in account order; the last account looked at, and how many were queued.
                audience_cursor   uuid,
                audience_complete boolean     NOT NULL DEFAULT false,
                queued            integer     NOT NULL DEFAULT 0,
                created_at        timestamptz NOT NULL DEFAULT now(),
                finished_at       timestamptz
            );
            CREATE INDEX campaigns_due ON campaigns (next_batch_at) WHERE status IN ('scheduled', 'sending');
            """),
    ]

    /// Stores a validated campaign; false when one with its id exists (a repeated trigger).
    static func insert(_ plan: CampaignPlan, source: String, createdBy: UUID?, now: Date = Date(), on transaction: Transaction) async throws -> Bool {
        let trigger = plan.trigger
        let audience = String(decoding: try MessageCodec.encode(plan.audience), as: UTF8.self)
        let sendAt = max(trigger.sendAt ?? now, now)
        return try await transaction.query("""
            INSERT INTO campaigns (id, name, topic, subject, html, text_body, language, audience, max_per_second, source, created_by,
                                   send_at, next_batch_at)
            VALUES (\(trigger.campaignID), \(plan.name), \(plan.topic.rawValue), \(trigger.subject), \(trigger.html), \(trigger.text),
                    \(plan.language), \(audience)::jsonb, \(plan.maxPerSecond), \(source), \(createdBy), \(sendAt), \(sendAt))
            ON CONFLICT (id) DO NOTHING RETURNING 1
            """).exists
    }

    /// Where the campaign's mails stand, from the outbox's records of them.
    static func counts(of campaignID: UUID, on transaction: Transaction) async throws -> CampaignCounts {
        var counts = CampaignCounts()
        for try await (state, number) in try await transaction.query("""
            SELECT state, count(*)::int FROM mail_outbox WHERE campaign_id = \(campaignID) GROUP BY state
            """).decode((String, Int).self) {
            counts.audience += number
            switch state {
            case "sent": counts.sent = number
            case "failed": counts.failed = number
            case "bounced": counts.bounced = number
            case "suppressed": counts.suppressed = number
            default: break
            }
        }
        // Who used the one-click link of this campaign's topic after its mail reached them.
        for try await number in try await transaction.query("""
            SELECT count(DISTINCT m.account_id)::int FROM mail_outbox m
            JOIN consent_records r ON r.account_id = m.account_id AND r.topic = m.topic AND r.source = 'one-click-unsubscribe'
                                  AND r.recorded_at >= m.queued_at
            WHERE m.campaign_id = \(campaignID) AND m.state = 'sent'
            """).decode(Int.self) {
            counts.unsubscribed = number
        }
        return counts
    }
}
