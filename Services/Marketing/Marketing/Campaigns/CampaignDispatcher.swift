import Contracts
import Foundation
import Logging
import MessageBus
import Persistence
import PostgresNIO

/// Turns due campaigns into mails, a batch per transaction: the next audience members after the
/// campaign's cursor (`CampaignAudienceSelection`), rendered and queued in the mail outbox with the cursor's move, so
/// a crash repeats no batch and skips no one. Every replica runs it; `SKIP LOCKED` gives each
/// campaign's batch to one. Batches are paced to the campaign's `maxPerSecond`. A campaign whose
/// audience is queued and whose every mail the relay answered is finished.
struct CampaignDispatcher: Sendable {
    static let batchLimit = 500
    static let progressInterval: TimeInterval = 5

    let database: Database
    let mailer: Mailer
    let rules: ConsentRules
    let logger: Logger
    var now: @Sendable () -> Date = { Date() }

    /// How far ahead `run` waits for a campaign's next batch itself instead of leaving it to the
    /// next round: a fast campaign's batches are due every few milliseconds.
    static let lookahead: TimeInterval = 1

    /// Queues batches until no campaign is due within `lookahead`, then finishes those that are done.
    func run() async throws {
        while true {
            if try await queueNextBatch() { continue }
            guard let next = try await nextBatchDue(), next.timeIntervalSince(now()) < Self.lookahead else { break }
            try? await Task.sleep(for: .seconds(max(0, next.timeIntervalSince(now()))))
            if Task.isCancelled { return }
        }
        while try await finishOne() {}
    }

    /// When the earliest batch of a campaign still walking its audience is due.
    private func nextBatchDue() async throws -> Date? {
        try await database.withConnection { connection in
            try await connection.query("""
                SELECT min(next_batch_at) FROM campaigns WHERE status IN ('scheduled', 'sending') AND NOT audience_complete
                """, logger: logger).decode(Date?.self).first { _ in true } ?? nil
        }
    }

    private struct Due {
        let id: UUID
        let topic: SubscriptionTopic
        let template: MailTemplate
        let audience: CampaignAudience
        let language: Language?
        let maxPerSecond: Int
        let cursor: UUID?
        let progressAt: Date?
    }

    /// One batch of one due campaign; false when none was due.
    func queueNextBatch() async throws -> Bool {
        try await database.transaction(context: MessageContext(), logger: logger) { transaction in
            guard let campaign = try await claimDue(on: transaction) else { return false }
            let batch = min(Self.batchLimit, campaign.maxPerSecond)
            // Read whole before queueing: the connection runs one statement at a time.
            var members: [CampaignAudienceSelection.Member] = []
            for try await row in try await transaction.query(
                CampaignAudienceSelection.candidates(
                    campaign.audience, topic: campaign.topic, language: campaign.language, after: campaign.cursor, limit: batch)
            ).decode(CampaignAudienceSelection.Row.self) {
                members.append(CampaignAudienceSelection.member(row))
            }
            var queued = 0
            for member in members where member.consents(to: campaign.topic, rules: rules) {
                if try await mailer.queue(
                    campaign.template, values: ["companyName": member.companyName ?? ""],
                    to: Contact(accountID: member.accountID, email: member.email, name: member.name, language: member.language),
                    purpose: "campaign", marketing: true,
                    topic: campaign.topic, dedupeKey: "campaign:\(campaign.id):\(member.accountID)", campaignID: campaign.id, on: transaction) {
                    queued += 1
                }
            }
            let complete = members.count < batch
            let pause = Double(max(members.count, 1)) / Double(campaign.maxPerSecond)
            // Counting the outbox costs more the further a campaign got: progress is told every few seconds and at the end.
            let report = complete || campaign.progressAt.map { now().timeIntervalSince($0) >= Self.progressInterval } ?? true
            try await transaction.query("""
                UPDATE campaigns SET status = 'sending', audience_cursor = \(members.last?.accountID ?? campaign.cursor), queued = queued + \(queued),
                    audience_complete = \(complete), next_batch_at = \(now().addingTimeInterval(pause)),
                    progress_at = CASE WHEN \(report) THEN \(now()) ELSE progress_at END
                WHERE id = \(campaign.id)
                """)
            if report {
                try await transaction.emit(CampaignProgressed(
                    campaignID: campaign.id, counts: try await CampaignRecords.counts(of: campaign.id, on: transaction),
                    audienceComplete: complete, at: now()))
            }
            logger.debug("campaign batch queued", metadata: ["campaign": "\(campaign.id)", "queued": "\(queued)", "complete": "\(complete)"])
            return true
        }
    }

    private func claimDue(on transaction: Transaction) async throws -> Due? {
        for try await (id, topic, subject, html, text, audience, language, pace, cursor, progressAt) in try await transaction.query("""
            SELECT id, topic, subject, html, text_body, audience::text, language, max_per_second, audience_cursor, progress_at FROM campaigns
            WHERE status IN ('scheduled', 'sending') AND NOT audience_complete AND next_batch_at <= \(now())
            ORDER BY next_batch_at LIMIT 1 FOR UPDATE SKIP LOCKED
            """).decode((UUID, String, String, String, String, String, String?, Int, UUID?, Date?).self) {
            // Stored only after `CampaignPlan` accepted them, so they parse again.
            guard let topic = SubscriptionTopic(rawValue: topic) else { return nil }
            return Due(
                id: id, topic: topic, template: try MailTemplate(subject: subject, text: text, html: html),
                audience: try MessageCodec.decode(CampaignAudience.self, from: Data(audience.utf8)),
                language: language.flatMap(Language.init(rawValue:)), maxPerSecond: pace, cursor: cursor,
                progressAt: progressAt)
        }
        return nil
    }

    /// Finishes one campaign whose audience is queued and whose mails the relay all answered.
    func finishOne() async throws -> Bool {
        try await database.transaction(context: MessageContext(), logger: logger) { transaction in
            var done: UUID?
            for try await id in try await transaction.query("""
                SELECT id FROM campaigns c WHERE status = 'sending' AND audience_complete
                  AND NOT EXISTS (SELECT 1 FROM mail_outbox m WHERE m.campaign_id = c.id AND m.state IN ('queued', 'sending', 'deferred'))
                LIMIT 1 FOR UPDATE SKIP LOCKED
                """).decode(UUID.self) {
                done = id
            }
            guard let done else { return false }
            try await transaction.query("UPDATE campaigns SET status = 'finished', finished_at = \(now()) WHERE id = \(done)")
            try await transaction.emit(CampaignFinished(
                campaignID: done, status: .finished, counts: try await CampaignRecords.counts(of: done, on: transaction), at: now()))
            logger.info("campaign finished", metadata: ["campaign": "\(done)"])
            return true
        }
    }
}
