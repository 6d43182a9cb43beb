import Contracts
import Foundation
import MessageBus
import Persistence
import PostgresNIO

/// Who reads a conversation: a member of one of its companies, or `support` staff (who see it
/// as its starter does).
struct Viewer: Sendable {
    var accountID: UUID
    var companyID: UUID?
}

/// Conversations and messages as a viewer sees them.
enum ConversationRecords {
    static let messageColumns = """
        m.id, m.conversation_id, m.company_id, m.author_id, m.text, m.attachments::text, m.created_at, m.edited_at, m.removed,
        m.contact_warning, m.seq
        """

    /// The messages of `rows`, which selected `messageColumns`, with their sequence numbers.
    static func messages(_ rows: PostgresRowSequence) async throws -> [(message: ChatMessage, seq: Int64)] {
        var messages: [(ChatMessage, Int64)] = []
        for try await (id, conversation, company, author, text, attachments, at, editedAt, removed, warning, seq) in rows.decode(
            (UUID, UUID, UUID, UUID?, String, String, Date, Date?, Bool, Bool, Int64).self)
        {
            let files = removed ? [] : (try? MessageCodec.decode([Attachment].self, from: Data(attachments.utf8))) ?? []
            messages.append((ChatMessage(
                id: id, conversationID: conversation, companyID: company, authorID: author, text: removed ? "message removed" : text,
                attachments: files, createdAt: at, editedAt: editedAt, removed: removed, contactDetailsWarning: warning && !removed), seq))
        }
        return messages
    }

    /// The conversations with these ids as `viewer` sees them, in the order of `ids`.
    static func views(_ ids: [UUID], for viewer: Viewer, on transaction: Transaction) async throws -> [Conversation] {
        guard !ids.isEmpty else { return [] }
        let rows = try await transaction.query("""
            SELECT c.id, v.other, coalesce(o.name, 'A former member'), c.subject_kind, c.subject_id, c.subject_title, c.started_by,
                   c.created_at, c.last_message_at,
                   (SELECT count(*) FROM messages m
                    WHERE m.conversation_id = c.id AND m.company_id <> v.company AND m.seq > coalesce(r.up_to_seq, 0)
                      AND NOT EXISTS (SELECT 1 FROM hidden_messages h WHERE h.account_id = \(viewer.accountID) AND h.message_id = m.id))::int8,
                   (SELECT m.id FROM messages m
                    WHERE m.conversation_id = c.id AND m.company_id = v.company
                      AND m.seq <= (SELECT coalesce(max(x.up_to_seq), 0) FROM reads x WHERE x.conversation_id = c.id AND x.company_id <> v.company)
                    ORDER BY m.seq DESC LIMIT 1),
                   EXISTS (SELECT 1 FROM blocks b WHERE (b.company_id = c.started_by AND b.blocked_company_id = c.recipient)
                                                     OR (b.company_id = c.recipient AND b.blocked_company_id = c.started_by))
                   OR EXISTS (SELECT 1 FROM members mb JOIN processing_restrictions p ON p.account_id = mb.account_id
                              WHERE mb.company_id IN (c.started_by, c.recipient)),
                   (SELECT m.id FROM messages m
                    WHERE m.conversation_id = c.id
                      AND NOT EXISTS (SELECT 1 FROM hidden_messages h WHERE h.account_id = \(viewer.accountID) AND h.message_id = m.id)
                    ORDER BY m.seq DESC LIMIT 1)
            FROM conversations c
            CROSS JOIN LATERAL (
                SELECT coalesce(\(viewer.companyID)::uuid, c.started_by) AS company,
                       CASE WHEN c.started_by = coalesce(\(viewer.companyID)::uuid, c.started_by) THEN c.recipient ELSE c.started_by END AS other
            ) v
            LEFT JOIN companies o ON o.company_id = v.other
            LEFT JOIN reads r ON r.conversation_id = c.id AND r.account_id = \(viewer.accountID)
            WHERE c.id = ANY(\(ids))
            """)
        var found: [UUID: (Conversation, UUID?)] = [:]
        for try await (id, other, name, kind, subjectID, title, startedBy, createdAt, lastAt, unread, readUpTo, readOnly, last) in rows.decode(
            (UUID, UUID, String, String?, UUID?, String?, UUID, Date, Date, Int64, UUID?, Bool, UUID?).self)
        {
            let subject = kind.flatMap(SubjectKind.init(rawValue:)).flatMap { kind in
                subjectID.map { ConversationSubject(kind: kind, id: $0, title: title ?? "") }
            }
            found[id] = (Conversation(
                id: id, companyID: other, companyName: name, subject: subject, startedBy: startedBy, createdAt: createdAt,
                lastMessageAt: lastAt, lastMessage: nil, unread: Int(unread), readByOtherUpTo: readUpTo, readOnly: readOnly), last)
        }
        let lastIDs = found.values.compactMap(\.1)
        var lastMessages: [UUID: ChatMessage] = [:]
        if !lastIDs.isEmpty {
            let rows = try await transaction.query("SELECT \(unescaped: messageColumns) FROM messages m WHERE m.id = ANY(\(lastIDs))")
            for (message, _) in try await messages(rows) { lastMessages[message.conversationID] = message }
        }
        return ids.compactMap { id in
            guard var conversation = found[id]?.0 else { return nil }
            conversation.lastMessage = lastMessages[id]
            return conversation
        }
    }

    /// The conversation's two companies, if `viewer` may read it: a member of either, or staff
    /// with the `support` role once it was reported or while it is evidence in an open complaint
    /// (each such read is recorded).
    static func participants(
        of id: UUID, for actor: Actor, lock: Bool = false, on transaction: Transaction
    ) async throws -> (startedBy: UUID, recipient: UUID)? {
        let rows = try await transaction.query("""
            SELECT started_by, recipient FROM conversations WHERE id = \(id) \(unescaped: lock ? "FOR UPDATE" : "")
            """)
        for try await (startedBy, recipient) in rows.decode((UUID, UUID).self) {
            if let company = actor.companyID { return company == startedBy || company == recipient ? (startedBy, recipient) : nil }
            guard actor.has(role: Role.support.rawValue) else { return nil }
            let reviewable = try await transaction.query("""
                SELECT 1 FROM reports WHERE conversation_id = \(id) UNION ALL SELECT 1 FROM legal_holds WHERE conversation_id = \(id) LIMIT 1
                """)
            guard try await reviewable.exists else { return nil }
            try await transaction.query("INSERT INTO staff_reads (conversation_id, staff_id) VALUES (\(id), \(actor.accountID))")
            return (startedBy, recipient)
        }
        return nil
    }

    /// The two reasons messages between the companies that the SQL expressions `one` and `other`
    /// name are refused, as two boolean columns: a block either way, and a member of either with
    /// processing restricted (their conversations are read-only). The one statement of these rules,
    /// for a new conversation and inside the locking read of a message's conversation alike.
    static func refusals(_ one: String, _ other: String) -> String {
        """
        EXISTS (SELECT 1 FROM blocks b WHERE (b.company_id = \(one) AND b.blocked_company_id = \(other))
                                          OR (b.company_id = \(other) AND b.blocked_company_id = \(one))),
        EXISTS (SELECT 1 FROM members mb JOIN processing_restrictions p ON p.account_id = mb.account_id
                WHERE mb.company_id IN (\(one), \(other)))
        """
    }

    /// Throws `blocked` or `conversation-read-only` when messages between the two companies are refused.
    static func requireOpen(_ one: UUID, _ other: UUID, on transaction: Transaction) async throws {
        var refused = (blocked: false, restricted: false)
        for try await row in try await transaction.query("""
            SELECT \(unescaped: refusals("c.one", "c.other")) FROM (VALUES (\(one)::uuid, \(other)::uuid)) AS c(one, other)
            """).decode((Bool, Bool).self) { refused = row }
        if refused.blocked { throw Problem.blocked }
        if refused.restricted { throw Problem.conversationReadOnly }
    }
}
