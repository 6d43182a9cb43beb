import Contracts
import Foundation
import Persistence

/// Renders a mail for one person and queues it in the caller's transaction: what every mail of
/// the platform goes through, transactional or marketing.
struct Mailer: Sendable {
    let settings: MailSettings
    let templates: TransactionalTemplates
    let unsubscribeLinks: UnsubscribeLinks

    init(settings: MailSettings, templates: TransactionalTemplates) {
        self.settings = settings
        self.templates = templates
        unsubscribeLinks = UnsubscribeLinks(signingKey: settings.signingKey)
    }

    /// Queues `template` rendered with `values` (plus `contactName`) to the contact; false when it
    /// was not queued (suppressed address, or the dedupe key was seen). A mail of a `topic` carries
    /// its one-click unsubscribe (RFC 8058 headers, and `unsubscribeURL` for the body).
    @discardableResult
    func queue(
        _ template: MailTemplate, values: [String: String], to contact: Contact, purpose: String, marketing: Bool,
        topic: SubscriptionTopic? = nil, dedupeKey: String? = nil, campaignID: UUID? = nil, on transaction: Transaction
    ) async throws -> Bool {
        var values = values
        values["contactName"] = contact.name ?? ""
        var headers: [(name: String, value: String)] = []
        if let topic {
            // Only a user has subscriptions to leave.
            guard let accountID = contact.accountID else { throw Problem.internalError("a \(topic.rawValue) mail to someone without an account") }
            let url = settings.publicAPIURL.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
                + "/v1/unsubscribe/" + unsubscribeLinks.token(for: accountID, topic: topic)
            values["unsubscribeURL"] = url
            headers = [("List-Unsubscribe", "<\(url)>"), ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")]
        }
        var message = template.render(values, from: settings.from, to: contact.email, toName: contact.name)
        message.headers = headers
        return try await MailOutbox.queue(
            MailOutbox.Entry(
                accountID: contact.accountID, purpose: purpose, marketing: marketing, dedupeKey: dedupeKey, topic: topic?.rawValue,
                campaignID: campaignID, message: message),
            domain: settings.fromDomain, signer: settings.dkim, on: transaction)
    }

    /// A link into the web app.
    func link(_ path: String) -> String {
        settings.publicBaseURL.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + path
    }
}

/// Who a mail goes to, from the contact directory, and the language it is written in. Only an
/// invitation goes to someone without an account yet, whose name the platform does not know.
struct Contact: Sendable {
    let accountID: UUID?
    let email: String
    let name: String?
    let language: Language
}
