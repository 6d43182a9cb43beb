import Contracts
import Foundation
import Persistence

/// Reminds a company's admins that its verification runs out soon. Transactional: it is about
/// their account, so marketing opt-outs do not stop it.
enum VerificationNotices {
    static func register(into handlers: inout TransactionalEventHandlers, mailer: Mailer) {
        handlers.register(VerificationExpiring.self) { event, transaction in
            let name = TransactionalTemplates.Name.verificationExpiring
            for accountID in event.adminAccountIDs {
                // Erased, or never known: nobody to write to.
                guard let person = try await ContactDirectory.person(accountID, on: transaction) else { continue }
                try await mailer.queue(
                    mailer.templates.template(name, language: person.contact.language),
                    values: [
                        "companyName": event.companyName, "expiresAt": event.expiresAt.formatted(.iso8601),
                        "link": mailer.link("/company/verification"),
                    ],
                    to: person.contact, purpose: name.rawValue, marketing: false,
                    dedupeKey: "\(name.rawValue)/\(event.companyID)/\(Int(event.expiresAt.timeIntervalSince1970))/\(accountID)",
                    on: transaction)
            }
        }
    }
}
