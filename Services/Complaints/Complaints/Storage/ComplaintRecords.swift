import Contracts
import Foundation
import Logging
import MessageBus
import Persistence
import PostgresNIO
import ServiceRuntime

/// Who is looking at a complaint: a member of a company (a party, or nobody's business) or staff
/// who handle complaints.
struct ComplaintViewer: Sendable {
    var accountID: UUID
    var companyID: UUID?
    var staff: Bool

    init(_ actor: Actor) {
        accountID = actor.accountID
        companyID = actor.companyID
        staff = actor.has(role: Role.support.rawValue) || actor.has(role: Role.admin.rawValue)
    }

    /// The viewer's side of a complaint between these companies, or nil: not theirs to see.
    func party(complainant: UUID, respondent: UUID) -> ComplaintParty? {
        if companyID == complainant { return .complainant }
        if companyID == respondent { return .respondent }
        return staff ? .staff : nil
    }
}

/// Reads complaints as a viewer may see them, and appends to their timelines.
enum ComplaintRecords {
    static let select = """
        SELECT c.id, c.complainant_company_id, c.respondent_company_id, c.filed_by, c.subject_kind, c.subject_id, c.category,
               c.description, c.desired_outcome, c.concerns_minors, c.status, c.filed_at, c.respond_by, c.responded_at,
               c.escalatable_at, c.negotiation_ends_at, c.escalated_at, c.decide_by, c.assigned_to, c.proposal::text,
               c.decision::text, c.closed_at, c.updated_at, floor(extract(epoch FROM c.filed_at) * 1000000)::int8
        FROM complaints c
        """

    typealias Row = (
        UUID, UUID, UUID, UUID?, String, UUID, String, String, String?, Bool, String, Date, Date, Date?, Date, Date, Date?, Date?, UUID?,
        String?, String?, Date?, Date, Int64
    )

    /// The complaint as `party` sees it (evidence and notes not yet read), with its position for paging.
    static func decode(_ row: Row, for party: ComplaintParty, at now: Date) throws -> (Complaint, Int64) {
        let (id, complainant, respondent, filedBy, subjectKind, subjectID, category, description, desiredOutcome, minors, status, filedAt,
             respondBy, respondedAt, escalatableAt, negotiationEndsAt, escalatedAt, decideBy, assignedTo, proposal, decision, closedAt,
             updatedAt, position) = row
        guard let kind = ComplaintSubjectKind(rawValue: subjectKind), let category = ComplaintCategory(rawValue: category),
              let status = ComplaintStatus(rawValue: status)
        else { throw Problem.internalError("complaint \(id) holds an unknown value") }
        let overdue = (status == .negotiating && respondedAt == nil && respondBy <= now)
            || (ComplaintLifecycle.staffMay(status) && (decideBy.map { $0 <= now } ?? false))
        let complaint = Complaint(
            id: id, complainantCompanyID: complainant, respondentCompanyID: respondent, filedBy: filedBy,
            subject: ComplaintSubject(kind: kind, id: subjectID), category: category,
            description: minors && party == .respondent ? nil : description, desiredOutcome: desiredOutcome, concernsMinors: minors,
            status: status, viewerParty: party, filedAt: filedAt, respondBy: respondBy, respondedAt: respondedAt, escalatableAt: escalatableAt,
            negotiationEndsAt: negotiationEndsAt, escalatedAt: escalatedAt, decideBy: decideBy, overdue: overdue,
            assignedTo: party == .staff ? assignedTo : nil, openProposal: try proposal.map { try MessageCodec.decode(ComplaintProposal.self, from: Data($0.utf8)) },
            decision: try decision.map { try MessageCodec.decode(ComplaintDecision.self, from: Data($0.utf8)) }, closedAt: closedAt, evidence: [],
            staffNotes: party == .staff ? [] : nil, updatedAt: updatedAt)
        return (complaint, position)
    }

    /// The complaint with its evidence (and, for staff, notes), or 404 for anyone it is not for.
    static func view(_ id: UUID, for viewer: ComplaintViewer, at now: Date, on connection: PostgresConnection, logger: Logger) async throws -> Complaint {
        let rows = try await connection.query("\(unescaped: select) WHERE c.id = \(id)", logger: logger)
        for try await row in rows.decode(Row.self) {
            guard let party = viewer.party(complainant: row.1, respondent: row.2) else { break }
            var (complaint, _) = try decode(row, for: party, at: now)
            complaint.evidence = try await evidence(of: id, for: party, on: connection, logger: logger)
            if party == .staff { complaint.staffNotes = try await notes(of: id, on: connection, logger: logger) }
            return complaint
        }
        throw Problem.notFound("no complaint with this id")
    }

    static func evidence(of id: UUID, for party: ComplaintParty, on connection: PostgresConnection, logger: Logger) async throws -> [ComplaintEvidence] {
        var items: [ComplaintEvidence] = []
        for try await (evidenceID, by, addedBy, addedAt, minors, description, url, attachment) in try await connection.query("""
            SELECT id, party, added_by, added_at, concerns_minors, description, url, attachment::text
            FROM complaint_evidence WHERE complaint_id = \(id) ORDER BY added_at, id
            """, logger: logger).decode((UUID, String, UUID?, Date, Bool, String, String?, String?).self) {
            let owner = ComplaintParty(rawValue: by) ?? .complainant
            // Data about minors: staff and the party who gave it see it; the other party sees that it exists.
            let hidden = minors && party != .staff && party != owner
            items.append(ComplaintEvidence(
                id: evidenceID, party: owner, addedBy: addedBy, addedAt: addedAt, concernsMinors: minors, description: hidden ? nil : description,
                url: hidden ? nil : url, attachment: hidden ? nil : try attachment.map { try MessageCodec.decode(Attachment.self, from: Data($0.utf8)) }))
        }
        return items
    }

    static func notes(of id: UUID, on connection: PostgresConnection, logger: Logger) async throws -> [StaffNote] {
        var notes: [StaffNote] = []
        for try await (noteID, author, text, createdAt) in try await connection.query("""
            SELECT id, author, text, created_at FROM staff_notes WHERE complaint_id = \(id) ORDER BY created_at, id
            """, logger: logger).decode((UUID, UUID?, String, Date).self) {
            notes.append(StaffNote(id: noteID, author: author, text: text, createdAt: createdAt))
        }
        return notes
    }

    /// Appends one entry to the complaint's timeline and announces it, with the evidence the
    /// complaint holds.
    static func record(
        _ kind: String, on complaintID: UUID, by party: ComplaintParty, actor: UUID?, text: String? = nil, proposal: ComplaintProposal? = nil,
        status: ComplaintStatus, at time: Date, on transaction: Transaction
    ) async throws {
        let proposalJSON = try proposal.map { String(decoding: try MessageCodec.encode($0), as: UTF8.self) }
        try await transaction.query("""
            INSERT INTO complaint_events (complaint_id, at, kind, party, actor, text, proposal, status)
            VALUES (\(complaintID), \(time), \(kind), \(party.rawValue), \(actor), \(text), \(proposalJSON)::jsonb, \(status.rawValue))
            """)
        let rows = try await transaction.query("""
            SELECT complainant_company_id, respondent_company_id, subject_kind, subject_id FROM complaints WHERE id = \(complaintID)
            """)
        guard let (complainant, respondent, subjectKind, subject) = try await rows.decode((UUID, UUID, String, UUID).self).first(where: { _ in true })
        else {
            throw Problem.internalError("complaint \(complaintID) vanished")
        }
        let evidence = try await PartyDirectory.evidence(
            of: ComplaintSubject(kind: ComplaintSubjectKind(rawValue: subjectKind) ?? .conversation, id: subject), between: complainant, and: respondent,
            on: transaction)
        try await transaction.emit(ComplaintChanged(
            complaintID: complaintID, complainantCompanyID: complainant, respondentCompanyID: respondent, step: kind,
            party: party, status: status, evidence: evidence, at: time))
    }

    /// The complaint's row locked for a change, with the caller's side of it; 404 for anyone it is not for.
    static func lock(_ id: UUID, for viewer: ComplaintViewer, at now: Date, on transaction: Transaction) async throws -> (Complaint, ComplaintParty) {
        let rows = try await transaction.query("\(unescaped: select) WHERE c.id = \(id) FOR UPDATE")
        for try await row in rows.decode(Row.self) {
            guard let party = viewer.party(complainant: row.1, respondent: row.2) else { break }
            return (try decode(row, for: party, at: now).0, party)
        }
        throw Problem.notFound("no complaint with this id")
    }
}
