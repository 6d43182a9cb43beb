import Contracts
import Foundation
import Persistence

/// A security incident that touched a person's data: they are told live, with a notification that
/// leads to the notice (`GET /v1/me/notices`).
enum SecurityNotices {
    static func register(into handlers: inout TransactionalEventHandlers) {
        handlers.register(SecurityNoticeIssued.self) { event, transaction in
            try await Notifications.notify(
                accounts: [event.accountID], type: "security-incident", title: "Security notice: \(event.notice.title)",
                data: ["incidentId": event.notice.incidentID.uuidString.lowercased()], at: event.notice.issuedAt, on: transaction)
        }
    }
}
