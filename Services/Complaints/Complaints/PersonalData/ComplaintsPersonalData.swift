import Contracts
import Foundation
import MessageBus
import Persistence
import ServiceRuntime

/// The complaints service's data-rights part. A person appears in complaints as who filed one, who
/// acted in a timeline, who gave evidence, and (staff) who assigned, noted or decided. While a
/// complaint they appear in is open it is evidence: erasure waits for it to close. Then the person
/// is anonymised in it; the other party keeps the record.
struct ComplaintsPersonalData: PersonalDataPart {
    let settings: ComplaintsSettings

    static let holdReason = "evidence in an open complaint: erased once the complaint is closed"

    func export(_ task: DataSubjectTask, in transaction: Transaction) async throws -> (categories: [PersonalDataCategory], document: String) {
        let id = task.accountID
        var document = Document()
        for try await (complaintID, status, category, description, filedAt) in try await transaction.query("""
            SELECT id, status, category, description, filed_at FROM complaints WHERE filed_by = \(id) ORDER BY filed_at
            """).decode((UUID, String, String, String, Date).self) {
            document.filed.append(.init(complaintID: complaintID, status: status, category: category, description: description, filedAt: filedAt))
        }
        for try await (complaintID, at, kind, party, text) in try await transaction.query("""
            SELECT complaint_id, at, kind, party, text FROM complaint_events WHERE actor = \(id) ORDER BY sequence
            """).decode((UUID, Date, String, String, String?).self) {
            document.actions.append(.init(complaintID: complaintID, at: at, kind: kind, party: party, text: text))
        }
        for try await (complaintID, addedAt, description, url) in try await transaction.query("""
            SELECT complaint_id, added_at, description, url FROM complaint_evidence WHERE added_by = \(id) ORDER BY added_at
            """).decode((UUID, Date, String, String?).self) {
            document.evidence.append(.init(complaintID: complaintID, addedAt: addedAt, description: description, url: url))
        }
        for try await (complaintID, createdAt, text) in try await transaction.query("""
            SELECT complaint_id, created_at, text FROM staff_notes WHERE author = \(id) ORDER BY created_at
            """).decode((UUID, Date, String).self) {
            document.staffNotes.append(.init(complaintID: complaintID, createdAt: createdAt, text: text))
        }
        let categories = [
            PersonalDataCategory(
                name: "complaints and their timelines", purpose: "handling complaints and disputes between purchasers and suppliers",
                legalBasis: "contract and legitimate interest (resolving disputes)",
                retention: "while the complaint is open, then \(settings.retentionYears) years after it closed"),
            PersonalDataCategory(
                name: "evidence", purpose: "what the parties submit to support their case", legalBasis: "contract and legitimate interest",
                retention: "as the complaint"),
        ]
        return (categories, String(decoding: try MessageCodec.encode(document), as: UTF8.self))
    }

    func erase(_ task: DataSubjectTask, in transaction: Transaction) async throws -> String? {
        let id = task.accountID
        if try await transaction.query("""
            SELECT 1 FROM complaints c WHERE c.status NOT IN ('resolved', 'decided', 'withdrawn')
              AND (c.filed_by = \(id) OR c.assigned_to = \(id)
                   OR EXISTS (SELECT 1 FROM complaint_events e WHERE e.complaint_id = c.id AND e.actor = \(id))
                   OR EXISTS (SELECT 1 FROM complaint_evidence v WHERE v.complaint_id = c.id AND v.added_by = \(id)))
            LIMIT 1
            """).exists {
            return Self.holdReason
        }
        try await transaction.query("UPDATE complaints SET filed_by = NULL WHERE filed_by = \(id)")
        try await transaction.query("UPDATE complaints SET assigned_to = NULL WHERE assigned_to = \(id)")
        try await transaction.query("""
            UPDATE complaints SET decision = jsonb_set(decision, '{decidedBy}', 'null') WHERE decision->>'decidedBy' = \(id.uuidString)
            """)
        try await transaction.query("UPDATE complaint_events SET actor = NULL WHERE actor = \(id)")
        try await transaction.query("UPDATE complaint_evidence SET added_by = NULL WHERE added_by = \(id)")
        try await transaction.query("UPDATE staff_notes SET author = NULL WHERE author = \(id)")
        return nil
    }

    struct Document: Encodable {
        struct Filed: Encodable {
            var complaintID: UUID
            var status: String
            var category: String
            var description: String
            var filedAt: Date
        }

        struct Action: Encodable {
            var complaintID: UUID
            var at: Date
            var kind: String
            var party: String
            var text: String?
        }

        struct Evidence: Encodable {
            var complaintID: UUID
            var addedAt: Date
            var description: String
            var url: String?
        }

        struct Note: Encodable {
            var complaintID: UUID
            var createdAt: Date
            var text: String
        }

        var filed: [Filed] = []
        var actions: [Action] = []
        var evidence: [Evidence] = []
        var staffNotes: [Note] = []
    }
}
