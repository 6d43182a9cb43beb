import Contracts
import Foundation
import Persistence

/// Mails the links of accounts' email-ownership events: the address check after registration or
/// an email change, the password reset, and a company's invitation to a colleague. Transactional: opt-outs and restrictions do not stop
/// them (they are how the person keeps control of the account). The event carries the address and
/// name, since the contact directory may not have the registration yet.
enum AccountLinkNotices {
    static func register(into handlers: inout TransactionalEventHandlers, mailer: Mailer) {
        handlers.register(EmailVerificationRequested.self) { event, transaction in
            try await queue(.emailVerification, event.link, path: "/verify-email", mailer: mailer, on: transaction)
        }
        handlers.register(PasswordResetRequested.self) { event, transaction in
            try await queue(.passwordReset, event.link, path: "/reset-password", mailer: mailer, on: transaction)
        }
        handlers.register(ColleagueInvited.self) { event, transaction in
            try await mailer.queue(
                mailer.templates.template(.companyInvitation, language: event.language),
                values: [
                    "link": mailer.link("/join-company?token=\(event.token)"), "expiresAt": event.expiresAt.formatted(.iso8601),
                    "companyName": event.companyName, "invitedBy": event.invitedByName,
                ],
                to: Contact(accountID: nil, email: event.email, name: nil, language: event.language),
                purpose: TransactionalTemplates.Name.companyInvitation.rawValue, marketing: false, on: transaction)
        }
    }

    private static func queue(
        _ name: TransactionalTemplates.Name, _ link: EmailLink, path: String, mailer: Mailer, on transaction: Transaction
    ) async throws {
        guard try await !PersonalDataRegister.isErased(link.accountID, on: transaction) else { return }
        try await mailer.queue(
            mailer.templates.template(name, language: link.language ?? .en),
            values: [
                "link": mailer.link("\(path)?token=\(link.token)"),
                "expiresAt": link.expiresAt.formatted(.iso8601),
            ],
            to: Contact(accountID: link.accountID, email: link.email, name: link.contactName, language: link.language ?? .en), purpose: name.rawValue, marketing: false,
            on: transaction)
    }
}
