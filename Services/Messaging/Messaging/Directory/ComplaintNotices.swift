import Contracts
import Foundation
import MessageBus
import Persistence

/// Complaints' steps as messaging sees them: the other side is told live (a notification), and a
/// conversation that is evidence in an open complaint is held until the complaint closes.
enum ComplaintNotices {
    static func register(into handlers: inout TransactionalEventHandlers) {
        handlers.register(ComplaintChanged.self) { event, transaction in
            if event.status.isClosed {
                try await transaction.query("DELETE FROM legal_holds WHERE complaint_id = \(event.complaintID)")
            } else {
                try await transaction.query("""
                    INSERT INTO legal_holds (complaint_id, conversation_id)
                    SELECT \(event.complaintID), unnest(\(event.evidence.conversationIDs)::uuid[]) ON CONFLICT DO NOTHING
                    """)
            }
            try await Notifications.notify(
                companies: event.companiesToTell, type: "complaint-\(event.step)", title: title(of: event),
                data: ["complaintId": event.complaintID.uuidString.lowercased(), "status": event.status.rawValue], at: event.at, on: transaction)
        }
    }

    static func title(of event: ComplaintChanged) -> String {
        switch event.step {
        case "filed": "A complaint was filed against your company"
        case "escalated": "A complaint was escalated to our support staff"
        case "decided": "Our support staff decided a complaint"
        case "withdrawn": "A complaint was withdrawn"
        case "accepted": "A complaint was resolved by agreement"
        default: "A complaint has news: \(event.step)"
        }
    }

    /// Why the erasure of a person must wait: they wrote in a conversation that is evidence.
    static func hold(on accountID: UUID, on transaction: Transaction) async throws -> String? {
        try await transaction.query("""
            SELECT 1 FROM messages m JOIN legal_holds h ON h.conversation_id = m.conversation_id WHERE m.author_id = \(accountID) LIMIT 1
            """).exists ? "evidence in an open complaint: erased once the complaint is closed" : nil
    }
}
