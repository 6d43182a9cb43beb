import Contracts
import Foundation
import Persistence

/// Mails the people of a company when a complaint is filed against it, and both companies when
/// staff decide one. Transactional: it concerns their business on the platform, so marketing
/// opt-outs do not stop it.
enum ComplaintMails {
    static func register(into handlers: inout TransactionalEventHandlers, mailer: Mailer) {
        handlers.register(ComplaintChanged.self) { event, transaction in
            let name: TransactionalTemplates.Name
            switch event.step {
            case "filed": name = .complaintFiled
            case "decided": name = .complaintDecided
            default: return
            }
            for try await (accountID, email, contactName, language) in try await transaction.query("""
                SELECT account_id, email, contact_name, language FROM contacts WHERE company_id = ANY(\(event.companiesToTell)) ORDER BY account_id
                """).decode((UUID, String, String, String).self) {
                let contact = Contact(accountID: accountID, email: email, name: contactName, language: Language(rawValue: language) ?? .en)
                try await mailer.queue(
                    mailer.templates.template(name, language: contact.language),
                    values: ["link": mailer.link("/complaints/\(event.complaintID.uuidString.lowercased())")],
                    to: contact, purpose: name.rawValue, marketing: false, dedupeKey: "\(name.rawValue)/\(event.complaintID)/\(accountID)",
                    on: transaction)
            }
        }
    }
}
