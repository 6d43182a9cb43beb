import Contracts
import Foundation
import MessageBus
import Persistence
import ServiceRuntime

/// Marketing's data-rights part: the person's entry in the contact directory. Objections to direct
/// marketing and restrictions are the platform register's, which campaigns will consult.
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
        let categories = [PersonalDataCategory(
            name: "contact directory", purpose: "addressing the emails the person receives from the platform",
            legalBasis: "contract for service emails, consent for marketing", retention: "until the account is erased")]
        return (categories, String(decoding: try MessageCodec.encode(document), as: UTF8.self))
    }

    func erase(_ task: DataSubjectTask, in transaction: Transaction) async throws -> String? {
        try await transaction.query("DELETE FROM contacts WHERE account_id = \(task.accountID)")
        return nil
    }

    struct Document: Codable {
        var contact: Contact?
    }

    struct Contact: Codable {
        var email: String
        var contactName: String
        var companyName: String?
        var country: String?
        var registeredAt: Date
        var profileChangedAt: Date?
    }
}
