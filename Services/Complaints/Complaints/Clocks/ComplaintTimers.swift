import Contracts
import Foundation
import Logging
import MessageBus
import Persistence
import ServiceRuntime

/// Escalates the negotiations whose clock ran out: the respondent missed its first answer, or the
/// window ended unresolved. Rows are claimed with `SKIP LOCKED` and changed in the transaction
/// that records the escalation, so with several replicas each fires once, and after a restart or
/// a broker outage the timers catch up from the table. `now` comes from the caller (tests move it).
enum ComplaintTimers {
    static let batch = 200

    static func work(handlers: ComplaintsHandlers, logger: Logger) -> PeriodicWork {
        PeriodicWork(name: "complaint clocks", interval: handlers.settings.timerInterval) {
            try await escalateDue(now: handlers.now(), handlers: handlers, logger: logger)
        }
    }

    /// Escalates what is due at `now`; answers how many.
    @discardableResult
    static func escalateDue(now: Date, handlers: ComplaintsHandlers, logger: Logger) async throws -> Int {
        try await handlers.database.transaction(context: MessageContext(correlationID: UUID().uuidString), logger: logger) { transaction in
            var due: [(UUID, String, Bool)] = []
            for try await row in try await transaction.query("""
                SELECT id, category, responded_at IS NULL AND respond_by <= \(now) FROM complaints
                WHERE status = 'negotiating' AND ((responded_at IS NULL AND respond_by <= \(now)) OR negotiation_ends_at <= \(now))
                ORDER BY respond_by LIMIT \(batch) FOR UPDATE SKIP LOCKED
                """).decode((UUID, String, Bool).self) { due.append(row) }
            for (id, category, unanswered) in due {
                let decideBy = handlers.decisionDeadline(ComplaintCategory(rawValue: category) ?? .other, escalatedAt: now)
                try await transaction.query("""
                    UPDATE complaints SET status = 'escalated', escalated_at = \(now), decide_by = \(decideBy), updated_at = \(now) WHERE id = \(id)
                    """)
                let reason = unanswered ? "the respondent did not answer in time" : "the negotiation window ended unresolved"
                try await ComplaintRecords.record("escalated", on: id, by: .system, actor: nil, text: reason, status: .escalated, at: now, on: transaction)
            }
            return due.count
        }
    }
}
