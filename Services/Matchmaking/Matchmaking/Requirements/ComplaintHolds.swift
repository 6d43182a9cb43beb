import Contracts
import Foundation
import MessageBus
import Persistence

/// RFQs and quotes that are evidence in an open complaint, kept from complaints' events: while
/// held, the erasure of the person who posted or submitted them waits.
enum ComplaintHolds {
    static func register(into handlers: inout TransactionalEventHandlers) {
        handlers.register(ComplaintChanged.self) { event, transaction in
            if event.status.isClosed {
                try await transaction.query("DELETE FROM legal_holds WHERE complaint_id = \(event.complaintID)")
                return
            }
            try await transaction.query("""
                INSERT INTO legal_holds (complaint_id, kind, target_id)
                SELECT \(event.complaintID), 'rfq', unnest(\(event.evidence.rfqIDs)::uuid[])
                UNION ALL SELECT \(event.complaintID), 'quote', unnest(\(event.evidence.quoteIDs)::uuid[])
                ON CONFLICT DO NOTHING
                """)
        }
    }

    /// Why the erasure of a person must wait: an RFQ they posted or a quote they submitted is evidence.
    static func hold(on accountID: UUID, on transaction: Transaction) async throws -> String? {
        try await transaction.query("""
            SELECT 1 FROM legal_holds h
            WHERE (h.kind = 'rfq' AND EXISTS (SELECT 1 FROM rfqs r WHERE r.id = h.target_id AND r.posted_by = \(accountID)))
               OR (h.kind = 'quote' AND EXISTS (SELECT 1 FROM quotes q WHERE q.id = h.target_id AND q.submitted_by = \(accountID)))
            LIMIT 1
            """).exists ? "evidence in an open complaint: erased once the complaint is closed" : nil
    }
}
