import Contracts
import Foundation
import MessageBus
import Persistence
import ServiceRuntime

/// Marketing's data-rights part: the person's entry in the contact directory, the record of every
/// mail sent to them, their consent history and the audience signals (follows, last activity).
/// Erasure removes all of it and keeps only the hash of the address on the suppression list, so
/// the address is never mailed again if it comes back in an import.
/// Objections to direct marketing and restrictions are the platform register's, which the mail
/// paths consult.
struct MarketingPersonalData: PersonalDataPart {
    func export(_ task: DataSubjectTask, in transaction: Transaction) async throws -> (categories: [PersonalDataCategory], document: String) {
        var document = Document()
        for try await (email, contactName, companyName, country, registeredAt, changedAt) in try await transaction.query("""
            SELECT email, contact_name, company_name, country, registered_at, profile_changed_at FROM contacts
            WHERE account_id = \(task.accountID)
            """).decode((String, String, String?, String?, Date, Date?).self) {
            document.contact = Contact(email: email, contactName: contactName, companyName: companyName, country: country,
                                       registeredAt: registeredAt, profileChangedAt: changedAt)
        }
        for try await (purpose, campaign, recipient, state, attempts, queuedAt, finishedAt, reply) in try await transaction.query("""
            SELECT m.purpose, c.name, m.recipient, m.state, m.attempts, m.queued_at, m.finished_at, m.relay_reply FROM mail_outbox m
            LEFT JOIN campaigns c ON c.id = m.campaign_id
            WHERE m.account_id = \(task.accountID) ORDER BY m.queued_at
            """).decode((String, String?, String, String, Int, Date, Date?, String?).self) {
            document.mails.append(Mail(purpose: purpose, campaign: campaign, to: recipient, state: state, attempts: attempts,
                                       queuedAt: queuedAt, finishedAt: finishedAt, relayAnswer: reply))
        }
        for try await (topic, status, source, ip, wording, policy, at) in try await transaction.query("""
            SELECT topic, status, source, ip, wording, policy_version, recorded_at FROM consent_records
            WHERE account_id = \(task.accountID) ORDER BY id
            """).decode((String, String, String, String?, String, String, Date).self) {
            document.consentHistory.append(ConsentChange(
                topic: topic, status: status, source: source, ip: ip, wording: wording, policyVersion: policy, at: at))
        }
        for try await (kind, target, company, at) in try await transaction.query("""
            SELECT kind, target_id, company_id, changed_at FROM follows WHERE account_id = \(task.accountID) AND following
            ORDER BY changed_at
            """).decode((String, UUID, UUID?, Date).self) {
            document.follows.append(FollowSignal(kind: kind, id: target, exhibitorID: company, followedAt: at))
        }
        for try await at in try await transaction.query("""
            SELECT last_active_at FROM activity WHERE account_id = \(task.accountID)
            """).decode(Date.self) { document.lastActiveAt = at }
        let categories = [
            PersonalDataCategory(
                name: "contact directory", purpose: "addressing the emails the person receives from the platform",
                legalBasis: "contract for service emails, consent for marketing", retention: "until the account is erased"),
            PersonalDataCategory(
                name: "emails sent", purpose: "delivering the platform's emails and answering questions about them",
                legalBasis: "contract for service emails, consent for marketing", retention: "one year after sending"),
            PersonalDataCategory(
                name: "subscriptions and consent", purpose: "sending only the mail the person asked for, and proving their consent",
                legalBasis: "consent, and the legal obligation to prove it", retention: "until the account is erased"),
            PersonalDataCategory(
                name: "audience signals", purpose: "choosing who a campaign is for by the exhibitors they follow and their last activity",
                legalBasis: "legitimate interest in direct marketing (objecting to profiling ends this use)",
                retention: "until unfollowed, or the account is erased"),
        ]
        return (categories, String(decoding: try MessageCodec.encode(document), as: UTF8.self))
    }

    func erase(_ task: DataSubjectTask, in transaction: Transaction) async throws -> String? {
        try await transaction.query("""
            INSERT INTO mail_suppressions (address_hash, reason)
            SELECT mail_address_hash(email), 'erased' FROM contacts WHERE account_id = \(task.accountID)
            ON CONFLICT DO NOTHING
            """)
        try await transaction.query("DELETE FROM mail_outbox WHERE account_id = \(task.accountID)")
        for table in ["subscriptions", "consent_records", "subscription_confirmations", "follows", "activity"] {
            try await transaction.query("DELETE FROM \(unescaped: table) WHERE account_id = \(task.accountID)")
        }
        try await transaction.query("DELETE FROM contacts WHERE account_id = \(task.accountID)")
        return nil
    }

    struct Document: Codable {
        var contact: Contact?
        var mails: [Mail] = []
        var consentHistory: [ConsentChange] = []
        var follows: [FollowSignal] = []
        var lastActiveAt: Date?
    }

    struct FollowSignal: Codable {
        var kind: String
        var id: UUID
        var exhibitorID: UUID?
        var followedAt: Date
    }

    struct ConsentChange: Codable {
        var topic: String
        var status: String
        var source: String
        var ip: String?
        var wording: String
        var policyVersion: String
        var at: Date
    }

    struct Contact: Codable {
        var email: String
        var contactName: String
        var companyName: String?
        var country: String?
        var registeredAt: Date
        var profileChangedAt: Date?
    }

    struct Mail: Codable {
        var purpose: String
        /// The campaign's name, for a campaign's mail.
        var campaign: String?
        var to: String
        var state: String
        var attempts: Int
        var queuedAt: Date
        var finishedAt: Date?
        var relayAnswer: String?
    }
}
