import Contracts
import Foundation
import MessageBus
import Persistence
import PostgresNIO
import ServiceRuntime

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
                -- When progress was last published: every few seconds, not every batch.
                progress_at       timestamptz,
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
                    \(plan.language?.rawValue), \(audience)::jsonb, \(plan.maxPerSecond), \(source), \(createdBy), \(sendAt), \(sendAt))
            ON CONFLICT (id) DO NOTHING RETURNING 1
            """).exists
    }

    /// The campaign as staff see it, with its counts; nil if there is none with this id.
    static func campaign(_ id: UUID, on transaction: Transaction) async throws -> Campaign? {
        try await campaigns(try await transaction.query("\(unescaped: select) WHERE c.id = \(id)"), on: transaction).first?.campaign
    }

    /// A page of campaigns, newest first, after `cursor`; up to `limit`, each with its cursor.
    static func page(after cursor: Cursor, limit: Int, on transaction: Transaction) async throws -> [(campaign: Campaign, cursor: Cursor)] {
        try await campaigns(try await transaction.query("""
            \(unescaped: select) WHERE (\(unescaped: position), c.id::text) < (\(cursor.position), \(cursor.id))
            ORDER BY \(unescaped: position) DESC, c.id::text DESC LIMIT \(limit)
            """), on: transaction)
    }

    /// A campaign's place in the newest-first list: its creation in microseconds.
    private static let position = "floor(extract(epoch FROM c.created_at) * 1000000)::int8"
    private static let select = """
        SELECT c.id, c.name, c.topic, c.status, c.source, c.language, c.audience::text, c.max_per_second, c.send_at,
               c.audience_complete, c.created_at, c.finished_at, \(position) FROM campaigns c
        """

    private static func campaigns(_ rows: PostgresRowSequence, on transaction: Transaction) async throws -> [(campaign: Campaign, cursor: Cursor)] {
        var found: [(campaign: Campaign, cursor: Cursor)] = []
        for try await row in rows.decode((UUID, String, String, String, String, String?, String, Int, Date, Bool, Date, Date?, Int64).self) {
            let campaign = Campaign(
                id: row.0, name: row.1, topic: row.2, status: CampaignStatus(rawValue: row.3) ?? .failed, source: row.4, language: row.5,
                audience: try MessageCodec.decode(CampaignAudience.self, from: Data(row.6.utf8)), maxPerSecond: row.7, sendAt: row.8,
                audienceComplete: row.9, counts: CampaignCounts(), createdAt: row.10, finishedAt: row.11)
            found.append((campaign, Cursor(position: row.12, id: row.0.uuidString.lowercased())))
        }
        // Counted once the rows are read: the connection runs one statement at a time.
        let counted = try await counts(of: found.map(\.campaign.id), on: transaction)
        for index in found.indices { found[index].campaign.counts = counted[found[index].campaign.id] ?? CampaignCounts() }
        return found
    }

    /// Where the campaign's mails stand, from the outbox's records of them.
    static func counts(of campaignID: UUID, on transaction: Transaction) async throws -> CampaignCounts {
        try await counts(of: [campaignID], on: transaction)[campaignID] ?? CampaignCounts()
    }

    /// The counts of several campaigns in two statements, whatever their number.
    static func counts(of campaignIDs: [UUID], on transaction: Transaction) async throws -> [UUID: CampaignCounts] {
        var counts = Dictionary(uniqueKeysWithValues: campaignIDs.map { ($0, CampaignCounts()) })
        for try await (id, state, number) in try await transaction.query("""
            SELECT campaign_id, state, count(*)::int FROM mail_outbox WHERE campaign_id = ANY(\(campaignIDs)::uuid[])
            GROUP BY campaign_id, state
            """).decode((UUID, String, Int).self) {
            counts[id]?.audience += number
            switch state {
            case "sent": counts[id]?.sent = number
            case "failed": counts[id]?.failed = number
            case "bounced": counts[id]?.bounced = number
            case "suppressed": counts[id]?.suppressed = number
            default: break
            }
        }
        // Who used the one-click link of this campaign's topic after its mail reached them.
        for try await (id, number) in try await transaction.query("""
            SELECT m.campaign_id, count(DISTINCT m.account_id)::int FROM mail_outbox m
            JOIN consent_records r ON r.account_id = m.account_id AND r.topic = m.topic AND r.source = 'one-click-unsubscribe'
                                  AND r.recorded_at >= m.queued_at
            WHERE m.campaign_id = ANY(\(campaignIDs)::uuid[]) AND m.state = 'sent'
            GROUP BY m.campaign_id
            """).decode((UUID, Int).self) {
            counts[id]?.unsubscribed = number
        }
        return counts
    }
}
