import Contracts
import Foundation
import MessageBus
import Persistence
import ServiceRuntime

/// Messaging's data-rights part. About a person it holds: the messages they wrote, where they
/// read up to and what they hid, the blocks and reports they made, their notifications and live
/// feed, and every time staff read a reported conversation they took part in. Erasure turns their
/// messages into tombstones ("message removed", no attachments) in conversations the other company
/// still holds, and deletes the rest.
struct MessagingPersonalData: PersonalDataPart {
    let settings: MessagingSettings

    func export(_ task: DataSubjectTask, in transaction: Transaction) async throws -> (categories: [PersonalDataCategory], document: String) {
        let id = task.accountID
        var document = Document()
        let written = try await transaction.query("""
            SELECT \(unescaped: ConversationRecords.messageColumns) FROM messages m WHERE m.author_id = \(id) ORDER BY m.created_at
            """)
        document.messages = try await ConversationRecords.messages(written).map(\.message)
        for try await (conversation, seq, at) in try await transaction.query("""
            SELECT conversation_id, up_to_seq, read_at FROM reads WHERE account_id = \(id) AND read_at IS NOT NULL ORDER BY read_at
            """).decode((UUID, Int64, Date).self) { document.readPositions.append(.init(conversationID: conversation, upToMessageNumber: seq, readAt: at)) }
        for try await message in try await transaction.query("""
            SELECT message_id FROM hidden_messages WHERE account_id = \(id)
            """).decode(UUID.self) { document.hiddenMessages.append(message) }
        for try await (company, at) in try await transaction.query("""
            SELECT blocked_company_id, blocked_at FROM blocks WHERE blocked_by = \(id) ORDER BY blocked_at
            """).decode((UUID, Date).self) { document.blocks.append(.init(companyID: company, blockedAt: at)) }
        for try await (conversation, message, reason, at) in try await transaction.query("""
            SELECT conversation_id, message_id, reason, created_at FROM reports WHERE reported_by = \(id) ORDER BY created_at
            """).decode((UUID, UUID?, String, Date).self) {
            document.reports.append(.init(conversationID: conversation, messageID: message, reason: reason, reportedAt: at))
        }
        for try await (type, title, at, readAt) in try await transaction.query("""
            SELECT type, title, created_at, read_at FROM notifications WHERE account_id = \(id) ORDER BY created_at
            """).decode((String, String, Date, Date?).self) { document.notifications.append(.init(type: type, title: title, createdAt: at, readAt: readAt)) }
        // Staff reads of reported conversations the person wrote in or whose company took part.
        for try await (conversation, staff, at) in try await transaction.query("""
            SELECT s.conversation_id, s.staff_id, s.read_at FROM staff_reads s JOIN conversations c ON c.id = s.conversation_id
            WHERE EXISTS (SELECT 1 FROM members mb WHERE mb.account_id = \(id) AND mb.company_id IN (c.started_by, c.recipient))
               OR EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND m.author_id = \(id))
            ORDER BY s.read_at
            """).decode((UUID, UUID, Date).self) { document.staffReads.append(.init(conversationID: conversation, staffID: staff, readAt: at)) }
        let categories = [
            PersonalDataCategory(
                name: "messages", purpose: "inquiries and conversations between purchasers and suppliers (policy 1(3))",
                legalBasis: "contract", retention: "until the conversation has had no message for \(settings.conversationRetentionDays) days, or the author's data is erased"),
            PersonalDataCategory(
                name: "read state, hidden messages, blocks and reports", purpose: "unread counts, read receipts, the person's own view and safety",
                legalBasis: "contract", retention: "as long as the conversation"),
            PersonalDataCategory(
                name: "notifications and live feed", purpose: "telling the person about messages, RFQs and quotes",
                legalBasis: "contract", retention: "notifications until the account is erased; the live feed 7 days"),
            PersonalDataCategory(
                name: "staff reads", purpose: "accountability for every time staff read a reported conversation",
                legalBasis: "legitimate interest (handling reports) and legal obligation", retention: "as long as the conversation"),
        ]
        return (categories, String(decoding: try MessageCodec.encode(document), as: UTF8.self))
    }

    func erase(_ task: DataSubjectTask, in transaction: Transaction) async throws -> String? {
        if let hold = try await ComplaintNotices.hold(on: task.accountID, on: transaction) { return hold }
        try await Self.forget(task.accountID, on: transaction)
        return nil
    }

    /// Removes the person from messaging: their messages become tombstones the other side still
    /// sees in place, their own state goes.
    static func forget(_ id: UUID, on transaction: Transaction) async throws {
        try await transaction.query("""
            UPDATE messages SET removed = true, text = '', attachments = '[]', author_id = NULL, contact_warning = false WHERE author_id = \(id)
            """)
        for table in ["hidden_messages", "reads", "notifications", "feed", "feed_heads", "members"] {
            try await transaction.query("DELETE FROM \(unescaped: table) WHERE account_id = \(id)")
        }
        try await transaction.query("UPDATE reports SET reported_by = NULL WHERE reported_by = \(id)")
        try await transaction.query("UPDATE blocks SET blocked_by = NULL WHERE blocked_by = \(id)")
    }

    struct Document: Encodable {
        struct ReadPosition: Encodable {
            var conversationID: UUID
            var upToMessageNumber: Int64
            var readAt: Date
        }

        struct BlockMade: Encodable {
            var companyID: UUID
            var blockedAt: Date
        }

        struct ReportMade: Encodable {
            var conversationID: UUID
            var messageID: UUID?
            var reason: String
            var reportedAt: Date
        }

        struct NotificationReceived: Encodable {
            var type: String
            var title: String
            var createdAt: Date
            var readAt: Date?
        }

        struct StaffRead: Encodable {
            var conversationID: UUID
            var staffID: UUID
            var readAt: Date
        }

        var messages: [ChatMessage] = []
        var readPositions: [ReadPosition] = []
        var hiddenMessages: [UUID] = []
        var blocks: [BlockMade] = []
        var reports: [ReportMade] = []
        var notifications: [NotificationReceived] = []
        var staffReads: [StaffRead] = []
    }
}
