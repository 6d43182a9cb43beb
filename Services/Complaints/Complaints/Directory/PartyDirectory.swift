import Contracts
import Foundation
import MessageBus
import Persistence

/// Who took part in what, kept from matchmaking's and messaging's events and never asked for per
/// request: the RFQs with their buyer and the suppliers they reached, the quotes, and the
/// conversations with their subject. A complaint is only about one of these, between its parties.
enum PartyDirectory {
    static func register(into handlers: inout TransactionalEventHandlers) {
        handlers.register(RFQPosted.self) { event, transaction in
            try await transaction.query("""
                INSERT INTO rfq_parties (rfq_id, buyer_company_id, matched) VALUES (\(event.rfqID), \(event.buyerCompanyID), \(event.matchedCompanyIDs))
                ON CONFLICT (rfq_id) DO NOTHING
                """)
        }
        handlers.register(QuoteSubmitted.self) { event, transaction in
            try await transaction.query("""
                INSERT INTO quote_parties (quote_id, rfq_id, buyer_company_id, supplier_company_id)
                VALUES (\(event.quoteID), \(event.rfqID), \(event.buyerCompanyID), \(event.supplierCompanyID))
                ON CONFLICT (quote_id) DO NOTHING
                """)
        }
        handlers.register(ConversationOpened.self) { event, transaction in
            try await transaction.query("""
                INSERT INTO conversation_parties (conversation_id, started_by, recipient, subject_kind, subject_id)
                VALUES (\(event.conversationID), \(event.startedBy), \(event.recipient), \(event.subject?.kind.rawValue), \(event.subject?.id))
                ON CONFLICT (conversation_id) DO NOTHING
                """)
        }
    }

    /// Whether companies `one` and `other` both took part in the subject: an RFQ one posted and
    /// reached the other (or the reverse), a quote between them, a conversation between them, or a
    /// product one of them inquired about with the other (its owner).
    static func tookPart(_ one: UUID, _ other: UUID, in kind: ComplaintSubjectKind, _ id: UUID, on transaction: Transaction) async throws -> Bool {
        switch kind {
        case .rfq:
            try await transaction.query("""
                SELECT 1 FROM rfq_parties WHERE rfq_id = \(id)
                  AND ((buyer_company_id = \(one) AND \(other) = ANY (matched)) OR (buyer_company_id = \(other) AND \(one) = ANY (matched)))
                """).exists
        case .quote:
            try await transaction.query("""
                SELECT 1 FROM quote_parties WHERE quote_id = \(id)
                  AND ((buyer_company_id = \(one) AND supplier_company_id = \(other)) OR (buyer_company_id = \(other) AND supplier_company_id = \(one)))
                """).exists
        case .conversation:
            try await transaction.query("""
                SELECT 1 FROM conversation_parties WHERE conversation_id = \(id)
                  AND ((started_by = \(one) AND recipient = \(other)) OR (started_by = \(other) AND recipient = \(one)))
                """).exists
        case .product:
            try await transaction.query("""
                SELECT 1 FROM conversation_parties WHERE subject_kind = 'product' AND subject_id = \(id)
                  AND ((started_by = \(one) AND recipient = \(other)) OR (started_by = \(other) AND recipient = \(one)))
                """).exists
        }
    }

    /// What a complaint about `subject` holds as evidence: the conversation, the RFQ, the quote with
    /// its RFQ, or the conversations between the two companies about the product.
    static func evidence(of subject: ComplaintSubject, between one: UUID, and other: UUID, on transaction: Transaction) async throws -> HeldEvidence {
        switch subject.kind {
        case .conversation:
            return HeldEvidence(conversationIDs: [subject.id])
        case .rfq:
            return HeldEvidence(rfqIDs: [subject.id])
        case .quote:
            let rfq = try await transaction.query("SELECT rfq_id FROM quote_parties WHERE quote_id = \(subject.id)").decode(UUID.self)
                .first { _ in true }
            return HeldEvidence(rfqIDs: rfq.map { [$0] } ?? [], quoteIDs: [subject.id])
        case .product:
            var conversations: [UUID] = []
            for try await id in try await transaction.query("""
                SELECT conversation_id FROM conversation_parties WHERE subject_kind = 'product' AND subject_id = \(subject.id)
                  AND ((started_by = \(one) AND recipient = \(other)) OR (started_by = \(other) AND recipient = \(one)))
                """).decode(UUID.self) { conversations.append(id) }
            return HeldEvidence(conversationIDs: conversations)
        }
    }
}
