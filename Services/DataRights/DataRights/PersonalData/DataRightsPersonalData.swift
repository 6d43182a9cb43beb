import Contracts
import Foundation
import MessageBus
import Persistence
import ServiceRuntime

/// The data-rights service's own part: a person's requests and their audit trail. Erasure deletes
/// the exports and what the person or staff wrote in a request; the requests and their trail stay,
/// without it, as the proof the law asks for that each right was honoured.
struct DataRightsPersonalData: PersonalDataPart {
    static let retentionYears = 3

    static let categories = [
        PersonalDataCategory(
            name: "data-subject requests and their audit trail", purpose: "honouring and proving the honouring of data-protection rights",
            legalBasis: "legal obligation", retention: "\(retentionYears) years after the request closed"),
        PersonalDataCategory(
            name: "exports", purpose: "giving the person their data (access, portability)", legalBasis: "legal obligation",
            retention: "7 days after it was made"),
        PersonalDataCategory(
            name: "disclosures to third parties", purpose: "telling the person to whom their data was disclosed, why and on which basis",
            legalBasis: "legal obligation", retention: "as long as the platform keeps the person's records"),
        PersonalDataCategory(
            name: "security-incident notices", purpose: "telling the person of an incident that touched their data and what to do",
            legalBasis: "legal obligation", retention: "as long as the platform keeps the person's records"),
        PersonalDataCategory(
            name: "cookie choices", purpose: "honouring the person's choice of analytics and personalization cookies", legalBasis: "consent",
            retention: "the current choice until it changes; each change \(retentionYears) years as proof"),
    ]

    struct Document: Encodable {
        struct Step: Encodable {
            var at: Date
            var actor: String
            var event: String
            var detail: String?
        }

        struct Request: Encodable {
            var id: UUID
            var kind: String
            var scope: String?
            var status: String
            var channel: String
            /// How staff noted a request that reached them by email, telephone or form.
            var staffNote: String?
            var denialReason: String?
            var denialGround: String?
            var receivedAt: Date
            var dueAt: Date
            var completedAt: Date?
            var steps: [Step]
        }

        struct Consent: Encodable {
            var analytics: Bool
            var personalization: Bool
            var policyVersion: String
            var changedAt: Date
        }

        var requests: [Request] = []
        var consents: [Consent] = []
        var disclosures: [Disclosure] = []
        var securityNotices: [SecurityNotice] = []
    }

    func export(_ task: DataSubjectTask, in transaction: Transaction) async throws -> (categories: [PersonalDataCategory], document: String) {
        let document = try await Self.document(of: task.accountID, on: transaction)
        return (Self.categories, String(decoding: try MessageCodec.encode(document), as: UTF8.self))
    }

    func erase(_ task: DataSubjectTask, in transaction: Transaction) async throws -> String? {
        try await transaction.query("DELETE FROM exports WHERE request_id IN (SELECT id FROM data_requests WHERE account_id = \(task.accountID))")
        try await transaction.query("UPDATE data_requests SET details = NULL, staff_note = NULL WHERE account_id = \(task.accountID)")
        try await transaction.query("DELETE FROM consents WHERE subject_id = \(task.accountID)")
        try await transaction.query("DELETE FROM consent_history WHERE subject_id = \(task.accountID)")
        try await transaction.query("DELETE FROM incident_notices WHERE account_id = \(task.accountID)")
        return nil
    }

    static func document(of accountID: UUID, on transaction: Transaction) async throws -> Document {
        var document = Document()
        for try await (id, kind, scope, status, channel, note, denialReason, denialGround, receivedAt, dueAt, completedAt) in try await transaction.query("""
            SELECT id, kind, scope, status, channel, staff_note, denial_reason, denial_ground, received_at, due_at, completed_at
            FROM data_requests WHERE account_id = \(accountID) ORDER BY received_at
            """).decode((UUID, String, String?, String, String, String?, String?, String?, Date, Date, Date?).self) {
            document.requests.append(.init(
                id: id, kind: kind, scope: scope, status: status, channel: channel, staffNote: note, denialReason: denialReason,
                denialGround: denialGround, receivedAt: receivedAt, dueAt: dueAt, completedAt: completedAt, steps: []))
        }
        for index in document.requests.indices {
            for try await (at, actor, event, detail) in try await transaction.query("""
                SELECT at, actor, event, detail FROM data_request_events WHERE request_id = \(document.requests[index].id) ORDER BY sequence
                """).decode((Date, String, String, String?).self) {
                document.requests[index].steps.append(.init(at: at, actor: actor, event: event, detail: detail))
            }
        }
        for try await (analytics, personalization, version, at) in try await transaction.query("""
            SELECT analytics, personalization, policy_version, changed_at FROM consent_history WHERE subject_id = \(accountID) ORDER BY sequence
            """).decode((Bool, Bool, String, Date).self) {
            document.consents.append(.init(analytics: analytics, personalization: personalization, policyVersion: version, changedAt: at))
        }
        document.disclosures = try await DisclosureHandlers.disclosures(of: accountID, on: transaction).map {
            var listed = $0
            listed.recordedBy = nil
            return listed
        }
        document.securityNotices = try await IncidentRecords.notices(
            of: accountID, individualOnly: true, after: .end, limit: Int(Int32.max), on: transaction.connection, logger: transaction.logger).map(\.0)
        return document
    }

    /// This service's file of an export: the subject of `requestID` and their requests.
    static func document(ofRequest requestID: UUID, on transaction: Transaction) async throws -> (accountID: UUID, document: Data) {
        let accountID = try await transaction.query("SELECT account_id FROM data_requests WHERE id = \(requestID)").decode(UUID.self)
            .first { _ in true }
        guard let accountID else { throw Problem.internalError("request \(requestID) vanished") }
        return (accountID, try MessageCodec.encode(try await document(of: accountID, on: transaction)))
    }
}
