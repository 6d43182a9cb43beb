import Contracts
import Foundation
import MessageBus
import Persistence
import ServiceRuntime

extension MessagingHandlers {
    /// Adds a message to a conversation whose row the transaction may lock: numbered after the
    /// last, read by its sender, waiting for the other company's members, in both sides' feeds.
    /// One statement numbers, stores and marks it and names the members; the feed takes two more.
    func append(
        _ content: MessageRules.Content, to conversation: UUID, by actor: Actor, of companyID: UUID, at now: Date, on transaction: Transaction
    ) async throws -> ChatMessage {
        let id = UUID()
        let warning = MessageRules.mentionsContactDetails(content.text)
        let attachments = String(decoding: try MessageCodec.encode(content.attachments), as: UTF8.self)
        let rows = try await transaction.query("""
            WITH numbered AS (
                UPDATE conversations SET last_seq = last_seq + 1, last_message_at = \(now) WHERE id = \(conversation)
                RETURNING last_seq, started_by, recipient
            ), stored AS (
                INSERT INTO messages (id, conversation_id, seq, company_id, author_id, text, attachments, created_at, contact_warning)
                SELECT \(id), \(conversation), last_seq, \(companyID), \(actor.accountID), \(content.text), \(attachments)::jsonb, \(now), \(warning)
                FROM numbered
            ), marked AS (
                -- Every member of both companies has a read position; the sender has read what it answered.
                INSERT INTO reads (conversation_id, account_id, company_id, up_to_seq, read_at, pending_since)
                SELECT \(conversation), m.account_id, m.company_id,
                       CASE WHEN m.account_id = \(actor.accountID) THEN n.last_seq ELSE 0 END,
                       CASE WHEN m.account_id = \(actor.accountID) THEN \(now) END,
                       CASE WHEN m.company_id <> \(companyID) THEN \(now) END
                FROM members m, numbered n WHERE m.company_id IN (n.started_by, n.recipient)
                ON CONFLICT (conversation_id, account_id) DO UPDATE SET
                    up_to_seq = CASE WHEN reads.account_id = \(actor.accountID) THEN EXCLUDED.up_to_seq ELSE reads.up_to_seq END,
                    read_at = CASE WHEN reads.account_id = \(actor.accountID) THEN \(now) ELSE reads.read_at END,
                    pending_since = CASE WHEN reads.company_id <> \(companyID) THEN coalesce(reads.pending_since, \(now)) ELSE reads.pending_since END
            )
            SELECT n.last_seq, array(SELECT m.account_id FROM members m WHERE m.company_id IN (n.started_by, n.recipient)) FROM numbered n
            """)
        var numbered: (Int64, [UUID])?
        for try await row in rows.decode((Int64, [UUID]).self) { numbered = row }
        guard let (_, members) = numbered else { throw Problem.noConversation }
        let message = ChatMessage(
            id: id, conversationID: conversation, companyID: companyID, authorID: actor.accountID, text: content.text,
            attachments: content.attachments, createdAt: now, editedAt: nil, removed: false, contactDetailsWarning: warning)
        try await Feed.append(Feed.messageCreated, message, to: members, at: now, on: transaction)
        return message
    }

    /// The conversation's companies for a member who may write in it now (not blocked, not
    /// restricted), its row locked: one statement.
    private func writable(_ id: UUID, by actor: Actor, of companyID: UUID, on transaction: Transaction) async throws -> (UUID, UUID) {
        let rows = try await transaction.query("""
            SELECT c.started_by, c.recipient, \(unescaped: ConversationRecords.refusals("c.started_by", "c.recipient"))
            FROM conversations c WHERE c.id = \(id) AND \(companyID) IN (c.started_by, c.recipient) FOR UPDATE OF c
            """)
        var found: (UUID, UUID, Bool, Bool)?
        for try await row in rows.decode((UUID, UUID, Bool, Bool).self) { found = row }
        guard let (startedBy, recipient, blocked, restricted) = found else { throw Problem.noConversation }
        if blocked { throw Problem.blocked }
        if restricted { throw Problem.conversationReadOnly }
        return (startedBy, recipient)
    }

    /// `messaging.send-message.v1`: the same whether the other side is online or not.
    @Sendable func sendMessage(_ request: SendMessage, _ context: RequestContext) async throws -> ChatMessage {
        let (actor, companyID) = try context.callerCompany()
        var checks = FieldChecks()
        let content = MessageRules.content(request.fields, checks: &checks)
        try checks.finish()
        guard let content else { throw Problem.internalError("validation let a missing field through") }
        return try await database.transaction(context, idempotent: try MessageCodec.encode(request)) { transaction in
            _ = try await writable(request.conversationID, by: actor, of: companyID, on: transaction)
            return try await append(content, to: request.conversationID, by: actor, of: companyID, at: now(), on: transaction)
        }
    }

    /// `messaging.edit-message.v1`: its author, within 15 minutes; the edit is shown (`editedAt`).
    @Sendable func editMessage(_ request: EditMessage, _ context: RequestContext) async throws -> ChatMessage {
        let (actor, companyID) = try context.callerCompany()
        var checks = FieldChecks()
        let text = MessageRules.text(request.text, checks: &checks)
        try checks.finish()
        guard let text else { throw Problem.internalError("validation let a missing field through") }
        let now = self.now()
        return try await database.transaction(context, idempotent: try MessageCodec.encode(request)) { transaction in
            let (startedBy, recipient) = try await writable(request.conversationID, by: actor, of: companyID, on: transaction)
            let rows = try await transaction.query("""
                SELECT \(unescaped: ConversationRecords.messageColumns) FROM messages m
                WHERE m.id = \(request.messageID) AND m.conversation_id = \(request.conversationID) AND m.author_id = \(actor.accountID)
                FOR UPDATE
                """)
            guard let (original, _) = try await ConversationRecords.messages(rows).first else { throw Problem.notFound("no message of yours has this id") }
            try context.requireIfMatch(original)
            guard now.timeIntervalSince(original.createdAt) <= Self.editWindow else { throw Problem.editWindowClosed }
            var edited = original
            edited.text = text
            edited.editedAt = now
            edited.contactDetailsWarning = MessageRules.mentionsContactDetails(text)
            try await transaction.query("""
                UPDATE messages SET text = \(text), edited_at = \(now), contact_warning = \(edited.contactDetailsWarning) WHERE id = \(original.id)
                """)
            try await Feed.append(Feed.messageUpdated, edited, to: try await Feed.members(of: [startedBy, recipient], on: transaction), at: now, on: transaction)
            return edited
        }
    }

    /// `messaging.hide-message.v1`: "delete for me"; the other side still sees it.
    @Sendable func hideMessage(_ request: HideMessage, _ context: RequestContext) async throws -> NoContent {
        let actor = try context.caller()
        return try await database.transaction(context, idempotent: try MessageCodec.encode(request)) { transaction in
            guard actor.companyID != nil, try await ConversationRecords.participants(of: request.conversationID, for: actor, on: transaction) != nil
            else { throw Problem.noConversation }
            let rows = try await transaction.query("""
                INSERT INTO hidden_messages (account_id, message_id)
                SELECT \(actor.accountID), id FROM messages WHERE id = \(request.messageID) AND conversation_id = \(request.conversationID)
                ON CONFLICT DO NOTHING RETURNING 1
                """)
            if try await !rows.exists {
                let known = try await transaction.query("""
                    SELECT 1 FROM messages WHERE id = \(request.messageID) AND conversation_id = \(request.conversationID)
                    """)
                guard try await known.exists else { throw Problem.notFound("no message in this conversation has this id") }
            }
            return NoContent()
        }
    }

    /// `messaging.list-messages.v1`: newest first.
    @Sendable func listMessages(_ request: ListMessages, _ context: RequestContext) async throws -> Page<ChatMessage> {
        let actor = try context.caller()
        let (limit, after) = try Cursor.read(request.page)
        return try await database.transaction(context) { transaction in
            guard try await ConversationRecords.participants(of: request.conversationID, for: actor, on: transaction) != nil
            else { throw Problem.noConversation }
            let rows = try await transaction.query("""
                SELECT \(unescaped: ConversationRecords.messageColumns) FROM messages m
                WHERE m.conversation_id = \(request.conversationID) AND m.seq < \(after.position)
                  AND NOT EXISTS (SELECT 1 FROM hidden_messages h WHERE h.account_id = \(actor.accountID) AND h.message_id = m.id)
                ORDER BY m.seq DESC LIMIT \(limit + 1)
                """)
            let messages = try await ConversationRecords.messages(rows)
            return Cursor.page(messages.map { ($0.message, Cursor(position: $0.seq, id: $0.message.id.uuidString.lowercased())) }, limit: limit)
        }
    }

    /// `messaging.mark-conversation-read.v1`: moves the caller's read position forward (never
    /// back) and sends the other company a read receipt.
    @Sendable func markConversationRead(_ request: MarkConversationRead, _ context: RequestContext) async throws -> NoContent {
        let (actor, companyID) = try context.callerCompany()
        let now = self.now()
        return try await database.transaction(context, idempotent: try MessageCodec.encode(request)) { transaction in
            guard let (startedBy, recipient) = try await ConversationRecords.participants(of: request.conversationID, for: actor, on: transaction)
            else { throw Problem.noConversation }
            let target = try await transaction.query("""
                SELECT seq, id FROM messages WHERE conversation_id = \(request.conversationID)
                  AND (\(request.upTo)::uuid IS NULL OR id = \(request.upTo)) ORDER BY seq DESC LIMIT 1
                """)
            var position: (Int64, UUID)?
            for try await row in target.decode((Int64, UUID).self) { position = row }
            guard let (seq, messageID) = position else {
                if request.upTo == nil { return NoContent() }
                throw Problem.validationFailed([.init(field: "upTo", message: "is not a message of this conversation")])
            }
            let moved = try await transaction.query("""
                INSERT INTO reads (conversation_id, account_id, company_id, up_to_seq, read_at)
                VALUES (\(request.conversationID), \(actor.accountID), \(companyID), \(seq), \(now))
                ON CONFLICT (conversation_id, account_id) DO UPDATE SET up_to_seq = \(seq), read_at = \(now),
                    pending_since = (SELECT min(m.created_at) FROM messages m WHERE m.conversation_id = reads.conversation_id
                                     AND m.seq > greatest(\(seq), reads.reminded_seq) AND m.company_id <> reads.company_id)
                WHERE reads.up_to_seq < \(seq)
                RETURNING 1
                """)
            guard try await moved.exists else { return NoContent() }
            let other = startedBy == companyID ? recipient : startedBy
            let receipt = ReadReceipt(conversationID: request.conversationID, companyID: companyID, upTo: messageID, readAt: now)
            try await Feed.append(Feed.messageRead, receipt, to: try await Feed.members(of: [other, companyID], on: transaction), at: now, on: transaction)
            return NoContent()
        }
    }

    /// `messaging.get-unread.v1`: per conversation with unread messages, and in total.
    @Sendable func getUnread(_ request: GetUnread, _ context: RequestContext) async throws -> UnreadCounts {
        let (actor, companyID) = try context.callerCompany()
        return try await database.transaction(context) { transaction in
            let rows = try await transaction.query("""
                SELECT r.conversation_id, count(*)::int8 FROM reads r
                JOIN messages m ON m.conversation_id = r.conversation_id AND m.seq > r.up_to_seq AND m.company_id <> \(companyID)
                WHERE r.account_id = \(actor.accountID)
                  AND NOT EXISTS (SELECT 1 FROM hidden_messages h WHERE h.account_id = \(actor.accountID) AND h.message_id = m.id)
                GROUP BY r.conversation_id ORDER BY max(m.created_at) DESC
                """)
            var items: [UnreadCounts.Item] = []
            for try await (id, count) in rows.decode((UUID, Int64).self) { items.append(.init(id: id, unread: Int(count))) }
            return UnreadCounts(total: items.reduce(0) { $0 + $1.unread }, conversations: items)
        }
    }
}
