import Contracts
import Foundation
import Logging
import MessageBus
import Persistence

/// Announces unread messages that waited longer than the reminder delay, once per conversation
/// and person: the read positions are claimed with `SKIP LOCKED` and cleared in the transaction
/// that writes the event, so replicas never both remind, and a restart catches up from the table.
/// New messages after a reminder start the clock again.
enum UnreadReminders {
    static let interval = Duration.seconds(30)
    static let batch = 200

    @discardableResult
    static func remindDue(now: Date, delay: TimeInterval, database: Database, logger: Logger) async throws -> Int {
        try await database.transaction(context: MessageContext(correlationID: UUID().uuidString), logger: logger) { transaction in
            let rows = try await transaction.query("""
                WITH due AS (
                    SELECT conversation_id, account_id FROM reads WHERE pending_since <= \(now.addingTimeInterval(-delay))
                    ORDER BY pending_since LIMIT \(batch) FOR UPDATE SKIP LOCKED
                )
                UPDATE reads r SET pending_since = NULL, reminded_seq = c.last_seq
                FROM due, conversations c
                WHERE r.conversation_id = due.conversation_id AND r.account_id = due.account_id AND c.id = r.conversation_id
                RETURNING r.conversation_id, r.account_id, r.company_id,
                    (SELECT coalesce(o.name, 'A former member') FROM companies o
                     WHERE o.company_id = CASE WHEN c.started_by = r.company_id THEN c.recipient ELSE c.started_by END),
                    (SELECT count(*) FROM messages m WHERE m.conversation_id = r.conversation_id AND m.seq > r.up_to_seq
                       AND m.company_id <> r.company_id AND NOT m.removed)::int8,
                    (SELECT min(m.created_at) FROM messages m WHERE m.conversation_id = r.conversation_id AND m.seq > r.up_to_seq
                       AND m.company_id <> r.company_id AND NOT m.removed)
                """)
            var due: [UnreadReminderDue] = []
            for try await (conversation, account, company, name, unread, oldest) in rows.decode((UUID, UUID, UUID, String?, Int64, Date?).self) {
                guard unread > 0, let oldest else { continue }
                due.append(UnreadReminderDue(
                    accountID: account, companyID: company, conversationID: conversation, fromCompanyName: name ?? "A former member",
                    unread: Int(unread), oldestUnreadAt: oldest))
            }
            for event in due { try await transaction.emit(event) }
            return due.count
        }
    }
}
