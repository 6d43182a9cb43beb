import Contracts
import Foundation
import Persistence

/// Mails a person whose messages wait unread (messaging's `UnreadReminderDue`): a service mail,
/// sent while the person keeps the `event-reminders` topic (on unless turned off), and not while
/// their processing is restricted.
enum UnreadMessagesNotice {
    static func register(into handlers: inout TransactionalEventHandlers, mailer: Mailer) {
        handlers.register(UnreadReminderDue.self) { event, transaction in
            guard try await !PersonalDataRegister.isErased(event.accountID, on: transaction),
                  try await !PersonalDataRegister.restriction(of: event.accountID, on: transaction).restricted
            else { return }
            guard let contact = try await ContactDirectory.person(event.accountID, on: transaction)?.contact else {
                throw ContactNotYetKnown(accountID: event.accountID)
            }
            guard try await !transaction.query("""
                SELECT 1 FROM subscriptions WHERE account_id = \(event.accountID) AND topic = \(SubscriptionTopic.eventReminders.rawValue)
                    AND status = 'unsubscribed'
                """).exists else { return }
            try await mailer.queue(
                mailer.templates.template(.unreadMessages, language: contact.language),
                values: [
                    "fromCompanyName": event.fromCompanyName, "unread": String(event.unread),
                    "conversationURL": mailer.link("/conversations/\(event.conversationID.uuidString.lowercased())"),
                    "settingsURL": mailer.link("/settings/notifications"),
                ],
                to: contact, purpose: TransactionalTemplates.Name.unreadMessages.rawValue, marketing: false, topic: .eventReminders,
                on: transaction)
        }
    }
}
