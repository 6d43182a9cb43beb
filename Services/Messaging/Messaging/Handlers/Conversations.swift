import Contracts
import Foundation
import MessageBus
import Persistence
import ServiceRuntime

extension MessagingHandlers {
    /// `messaging.open-conversation.v1`: an inquiry. The same two companies and subject always meet
    /// in one conversation, so a second inquiry adds its message to the first one's.
    @Sendable func openConversation(_ request: OpenConversation, _ context: RequestContext) async throws -> Conversation {
        let (actor, companyID) = try context.callerCompany()
        var checks = FieldChecks()
        if request.companyID == nil { checks.fail("companyID", "is required") }
        if request.companyID == companyID { checks.fail("companyID", "is your own company") }
        var kind: SubjectKind?
        if let subject = request.subject {
            kind = checks.oneOf("subject.kind", subject.kind, as: SubjectKind.self)
            if subject.id == nil { checks.fail("subject.id", "is required") }
        }
        let content = MessageRules.content(MessageFields(text: request.text, attachments: request.attachments), checks: &checks)
        try checks.finish()
        guard let target = request.companyID, let content else { throw Problem.internalError("validation let a missing field through") }
        // A product is the one subject matchmaking is asked about; the rest is known here.
        var product: (companyID: UUID, name: String)?
        if kind == .product, let id = request.subject?.id {
            product = try await subjects.product(id, context: context)
            guard product?.companyID == target else {
                throw Problem.validationFailed([.init(field: "subject.id", message: "is not a listed product of this company")])
            }
        }
        let now = self.now()
        return try await database.transaction(context, idempotent: try MessageCodec.encode(request)) { transaction in
            guard let other = try await KnownCompany.find(target, on: transaction), !other.cancelled else {
                throw Problem.notFound("no company with this id")
            }
            guard let own = try await KnownCompany.find(companyID, on: transaction) else { throw Problem.companyNotReady }
            let subject = try await resolve(kind, request.subject?.id, product: product, with: other, for: companyID, on: transaction)
            try await ConversationRecords.requireOpen(companyID, target, on: transaction)
            var id = try await existing(between: companyID, and: target, about: subject, on: transaction)
            if id == nil {
                guard try await mayStart(own, with: target, about: subject, on: transaction) else { throw Problem.inquiryOnly }
                let created = try await transaction.query("""
                    INSERT INTO conversations (id, started_by, recipient, subject_kind, subject_id, subject_title, created_at, last_message_at)
                    VALUES (\(UUID()), \(companyID), \(target), \(subject?.kind.rawValue), \(subject?.id), \(subject?.title), \(now), \(now))
                    ON CONFLICT DO NOTHING RETURNING id
                    """)
                for try await found in created.decode(UUID.self) { id = found }
                if let id {
                    try await transaction.emit(ConversationOpened(conversationID: id, startedBy: companyID, recipient: target, subject: subject, openedAt: now))
                }
                // Both sides opened it at once: the other insert won, and this message joins it.
                if id == nil { id = try await existing(between: companyID, and: target, about: subject, on: transaction) }
            }
            guard let id else { throw Problem.internalError("no conversation was stored") }
            _ = try await append(content, to: id, by: actor, of: companyID, at: now, on: transaction)
            guard let view = try await ConversationRecords.views([id], for: Viewer(accountID: actor.accountID, companyID: companyID), on: transaction).first
            else { throw Problem.internalError("the conversation was not stored") }
            return view
        }
    }

    private func existing(between one: UUID, and other: UUID, about subject: ConversationSubject?, on transaction: Transaction) async throws -> UUID? {
        let rows = try await transaction.query("""
            SELECT id FROM conversations
            WHERE least(started_by, recipient) = least(\(one), \(other)) AND greatest(started_by, recipient) = greatest(\(one), \(other))
              AND subject_kind IS NOT DISTINCT FROM \(subject?.kind.rawValue) AND subject_id IS NOT DISTINCT FROM \(subject?.id)
            """)
        for try await id in rows.decode(UUID.self) { return id }
        return nil
    }

    /// The subject as it will be kept: it must concern both companies.
    private func resolve(
        _ kind: SubjectKind?, _ id: UUID?, product: (companyID: UUID, name: String)?, with other: KnownCompany, for companyID: UUID,
        on transaction: Transaction
    ) async throws -> ConversationSubject? {
        guard let kind, let id else { return nil }
        let unrelated = Problem.validationFailed([.init(field: "subject.id", message: "is not a \(kind.rawValue) that concerns both companies")])
        switch kind {
        case .product:
            guard let product else { throw unrelated }
            return ConversationSubject(kind: .product, id: id, title: product.name)
        case .exhibitor:
            guard id == other.id else { throw unrelated }
            return ConversationSubject(kind: .exhibitor, id: id, title: other.name)
        case .rfq:
            let rows = try await transaction.query("""
                SELECT title FROM rfqs WHERE rfq_id = \(id)
                  AND ((buyer_company_id = \(companyID) AND \(other.id) = ANY(matched)) OR (buyer_company_id = \(other.id) AND \(companyID) = ANY(matched)))
                """)
            for try await title in rows.decode(String.self) { return ConversationSubject(kind: .rfq, id: id, title: title) }
            throw unrelated
        case .quote:
            let rows = try await transaction.query("""
                SELECT r.title FROM quotes q JOIN rfqs r ON r.rfq_id = q.rfq_id WHERE q.quote_id = \(id)
                  AND ((q.buyer_company_id = \(companyID) AND q.supplier_company_id = \(other.id))
                    OR (q.buyer_company_id = \(other.id) AND q.supplier_company_id = \(companyID)))
                """)
            for try await title in rows.decode(String.self) { return ConversationSubject(kind: .quote, id: id, title: "Quote on \(title)") }
            throw unrelated
        }
    }

    /// A supplier answers: it may start a conversation only with a company that contacted it
    /// before, or with the buyer of an RFQ it was sent or quoted on.
    private func mayStart(_ own: KnownCompany, with target: UUID, about subject: ConversationSubject?, on transaction: Transaction) async throws -> Bool {
        guard own.businessType == .supplier else { return true }
        if subject?.kind == .rfq || subject?.kind == .quote { return true }
        return try await transaction.query("""
            SELECT 1 FROM conversations WHERE started_by = \(target) AND recipient = \(own.id) LIMIT 1
            """).exists
    }

    /// `messaging.list-conversations.v1`: newest activity first.
    @Sendable func listConversations(_ request: ListConversations, _ context: RequestContext) async throws -> Page<Conversation> {
        let (actor, companyID) = try context.callerCompany()
        let (limit, after) = try Cursor.read(request.page)
        return try await database.transaction(context) { transaction in
            let rows = try await transaction.query("""
                SELECT id, floor(extract(epoch FROM last_message_at) * 1000000)::int8 AS position FROM conversations
                WHERE (started_by = \(companyID) OR recipient = \(companyID))
                  AND (floor(extract(epoch FROM last_message_at) * 1000000)::int8, id::text) < (\(after.position), \(after.id))
                ORDER BY position DESC, id::text DESC LIMIT \(limit + 1)
                """)
            var ids: [(UUID, Cursor)] = []
            for try await (id, position) in rows.decode((UUID, Int64).self) { ids.append((id, Cursor(position: position, id: id.uuidString.lowercased()))) }
            let views = try await ConversationRecords.views(ids.map(\.0), for: Viewer(accountID: actor.accountID, companyID: companyID), on: transaction)
            let byID = Dictionary(uniqueKeysWithValues: views.map { ($0.id, $0) })
            return Cursor.page(ids.compactMap { id, cursor in byID[id].map { ($0, cursor) } }, limit: limit)
        }
    }

    /// `messaging.get-conversation.v1`.
    @Sendable func getConversation(_ request: GetConversation, _ context: RequestContext) async throws -> Conversation {
        let actor = try context.caller()
        return try await database.transaction(context) { transaction in
            guard try await ConversationRecords.participants(of: request.conversationID, for: actor, on: transaction) != nil,
                  let view = try await ConversationRecords.views(
                    [request.conversationID], for: Viewer(accountID: actor.accountID, companyID: actor.companyID), on: transaction).first
            else { throw Problem.noConversation }
            return view
        }
    }
}
