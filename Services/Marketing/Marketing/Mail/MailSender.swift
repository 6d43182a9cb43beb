import Foundation
import Logging
import Persistence
import PostgresNIO

/// Drains the mail outbox: claims due mails (transactional ones whatever the relay's limits, marketing
/// ones as far as they allow), hands each to the relay and records the answer. Every replica runs one; `SKIP LOCKED` and the lease keep two from
/// sending the same mail. The log names mails by id only, never by address or content.
struct MailSender: Sendable {
    let database: Database
    let relay: SMTPRelay
    let logger: Logger
    var now: @Sendable () -> Date = { Date() }

    static let maxAttempts = 8
    static let firstRetry: TimeInterval = 60
    static let longestRetry: TimeInterval = 6 * 3600

    /// Sends until nothing is due; returns how many mails it handed to the relay. The answers of
    /// one claim are recorded together, so a crash can repeat at most one claim's mails (with
    /// their `Message-ID`s, so a receiver can drop the repeat).
    @discardableResult
    func drain() async throws -> Int {
        var total = 0
        while true {
            let due = try await claim(limit: relay.settings.connections * 4)
            if due.isEmpty { return total }
            total += due.count
            let outcomes = try await withThrowingTaskGroup(of: Outcome.self) { group in
                var outcomes: [Outcome] = []
                var running = 0
                for mail in due {
                    if running == relay.settings.connections, let outcome = try await group.next() {
                        outcomes.append(outcome)
                        running -= 1
                    }
                    group.addTask { await self.send(mail) }
                    running += 1
                }
                for try await outcome in group { outcomes.append(outcome) }
                return outcomes
            }
            try await record(outcomes)
        }
    }

    struct Due: Sendable {
        let id: UUID
        let recipient: String
        let message: ByteBuffer
        let attempts: Int
        /// Why it must not leave after all (the address was suppressed, or a marketing mail's
        /// consent went after it was queued): it is recorded, not sent.
        let suppressed: String?
    }

    /// Claims up to `limit` due mails of each kind (and ones whose sender died holding them) for
    /// this sender; marketing mail only as far as the relay's limits leave room.
    private func claim(limit: Int) async throws -> [Due] {
        let lease = TimeInterval(relay.settings.timeoutSeconds + 30)
        let limited = relay.settings.maxPerSecond != nil || relay.settings.maxPerHour != nil
        return try await database.transaction { connection in
            let marketingLimit = limited ? min(limit, try await room(on: connection)) : limit
            let at = now()
            var claimed: [Due] = []
            let rows = try await connection.query("""
                WITH service AS (
                    SELECT id FROM mail_outbox WHERE NOT marketing
                      AND ((state IN ('queued', 'deferred') AND next_attempt_at <= \(at)) OR (state = 'sending' AND lease_until < \(at)))
                    ORDER BY next_attempt_at LIMIT \(limit) FOR UPDATE SKIP LOCKED
                ), marketing AS (
                    SELECT id FROM mail_outbox WHERE marketing
                      AND ((state IN ('queued', 'deferred') AND next_attempt_at <= \(at)) OR (state = 'sending' AND lease_until < \(at)))
                    ORDER BY next_attempt_at LIMIT \(max(marketingLimit, 0)) FOR UPDATE SKIP LOCKED
                )
                UPDATE mail_outbox m SET state = 'sending', attempts = m.attempts + 1, lease_until = \(at.addingTimeInterval(lease))
                WHERE m.id IN (SELECT id FROM service UNION ALL SELECT id FROM marketing)
                RETURNING m.id, m.recipient, m.message, m.attempts, CASE
                    WHEN EXISTS (SELECT 1 FROM mail_suppressions s WHERE s.address_hash = mail_address_hash(m.recipient))
                        THEN 'the address is suppressed'
                    WHEN m.marketing AND EXISTS (SELECT 1 FROM subscriptions s WHERE s.account_id = m.account_id AND s.topic = m.topic
                                                 AND s.channel = 'email' AND s.status <> 'subscribed')
                        THEN 'the person unsubscribed'
                    WHEN m.marketing AND EXISTS (SELECT 1 FROM objections o WHERE o.account_id = m.account_id AND o.scope = 'direct-marketing')
                        THEN 'the person objected to direct marketing'
                    WHEN m.marketing AND EXISTS (SELECT 1 FROM processing_restrictions r WHERE r.account_id = m.account_id)
                        THEN 'the person restricted processing'
                    END
                """, logger: logger)
            for try await (id, recipient, message, attempts, suppressed) in rows.decode((UUID, String, ByteBuffer, Int, String?).self) {
                claimed.append(Due(id: id, recipient: recipient, message: message, attempts: attempts, suppressed: suppressed))
            }
            if limited, !claimed.isEmpty {
                try await connection.query("""
                    INSERT INTO relay_usage (second, mails) VALUES (date_trunc('second', \(now())), \(claimed.count))
                    ON CONFLICT (second) DO UPDATE SET mails = relay_usage.mails + excluded.mails
                    """, logger: logger)
            }
            return claimed
        }
    }

    /// How many more mails the relay's limits allow now. Takes a lock that every replica's claim
    /// waits for until its usage is recorded, so two cannot both spend the same room.
    private func room(on connection: PostgresConnection) async throws -> Int {
        try await connection.query("SELECT pg_advisory_xact_lock(hashtext('marketing relay usage'))", logger: logger)
        var room = Int.max
        for try await (thisSecond, thisHour) in try await connection.query("""
            SELECT coalesce(sum(mails) FILTER (WHERE second = date_trunc('second', \(now()))), 0)::int, coalesce(sum(mails), 0)::int
            FROM relay_usage WHERE second > \(now()) - interval '1 hour'
            """, logger: logger).decode((Int, Int).self) {
            if let perSecond = relay.settings.maxPerSecond { room = min(room, perSecond - thisSecond) }
            if let perHour = relay.settings.maxPerHour { room = min(room, perHour - thisHour) }
        }
        return room
    }

    /// What became of one mail.
    struct Outcome: Sendable {
        let mail: Due
        let state: String
        let answer: RelayAnswer
        /// When a deferred mail is tried again; nil when it is finished.
        let retryAt: Date?
    }

    private func send(_ mail: Due) async -> Outcome {
        let answer = if let reason = mail.suppressed {
            RelayAnswer(outcome: .permanent, code: 0, reply: "not sent: \(reason)")
        } else {
            await relay.send(Array(buffer: mail.message), to: mail.recipient)
        }
        let state: String
        var retryAt: Date?
        switch answer.outcome {
        case _ where mail.suppressed != nil:
            state = "suppressed"
        case .accepted:
            state = "sent"
        case .permanent:
            // A refused recipient (RCPT) is an address that does not exist: never mail it again.
            state = answer.code == 550 || answer.code == 551 || answer.code == 553 ? "bounced" : "failed"
        case .temporary where mail.attempts >= Self.maxAttempts:
            state = "failed"
        case .temporary:
            state = "deferred"
            retryAt = now().addingTimeInterval(min(Self.longestRetry, Self.firstRetry * pow(2, Double(mail.attempts - 1))))
        }
        logger.debug("mail handed to the relay", metadata: ["mail": "\(mail.id)", "outcome": "\(state)", "relayCode": "\(answer.code)"])
        return Outcome(mail: mail, state: state, answer: answer, retryAt: retryAt)
    }

    /// Records the answers in one transaction: each mail's state (unless another sender took it
    /// over meanwhile), every attempt the relay answered, and the refused addresses' suppression.
    private func record(_ outcomes: [Outcome]) async throws {
        let attempted = outcomes.filter { $0.mail.suppressed == nil }
        let bounced = outcomes.filter { $0.state == "bounced" }.map(\.mail.recipient)
        // A deferred mail's next attempt in epoch seconds; -1 for a finished one.
        let retries = outcomes.map { $0.retryAt?.timeIntervalSince1970 ?? -1 }
        try await database.transaction { connection in
            try await connection.query("""
                UPDATE mail_outbox m SET state = o.state, relay_code = o.code, relay_reply = o.reply, lease_until = NULL,
                    next_attempt_at = CASE WHEN o.retry >= 0 THEN to_timestamp(o.retry) ELSE m.next_attempt_at END,
                    finished_at = CASE WHEN o.retry < 0 THEN \(now()) END,
                    message = CASE WHEN o.retry < 0 THEN NULL ELSE m.message END
                FROM unnest(\(outcomes.map(\.mail.id))::uuid[], \(outcomes.map(\.mail.attempts))::int[], \(outcomes.map(\.state))::text[],
                            \(outcomes.map(\.answer.code))::int[], \(outcomes.map(\.answer.reply))::text[], \(retries)::float8[])
                     AS o(id, attempts, state, code, reply, retry)
                WHERE m.id = o.id AND m.state = 'sending' AND m.attempts = o.attempts
                """, logger: logger)
            if !attempted.isEmpty {
                try await connection.query("""
                    INSERT INTO mail_attempts (mail_id, attempt, at, outcome, relay_code, relay_reply)
                    SELECT id, attempt, \(now()), outcome, code, reply
                    FROM unnest(\(attempted.map(\.mail.id))::uuid[], \(attempted.map(\.mail.attempts))::int[], \(attempted.map(\.state))::text[],
                                \(attempted.map(\.answer.code))::int[], \(attempted.map(\.answer.reply))::text[]) AS a(id, attempt, outcome, code, reply)
                    ON CONFLICT DO NOTHING
                    """, logger: logger)
            }
            if !bounced.isEmpty {
                try await connection.query("""
                    INSERT INTO mail_suppressions (address_hash, reason)
                    SELECT DISTINCT mail_address_hash(address), 'rejected' FROM unnest(\(bounced)::text[]) AS b(address)
                    ON CONFLICT DO NOTHING
                    """, logger: logger)
            }
        }
    }
}
