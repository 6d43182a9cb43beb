import Contracts
import Foundation
import MessageBus
import Persistence
import ServiceRuntime

extension ComplaintsHandlers {
    static let maxDescription = 4000

    /// `complaints.file-complaint.v1`: a party files against the other company; negotiation starts
    /// and the clocks of its category run from now.
    @Sendable func fileComplaint(_ request: FileComplaint, _ context: RequestContext) async throws -> Complaint {
        let (actor, companyID) = try context.callerCompany()
        var checks = FieldChecks()
        if request.againstCompanyID == nil { checks.fail("againstCompanyID", "is required") }
        if request.againstCompanyID == companyID { checks.fail("againstCompanyID", "is your own company") }
        let kind = checks.oneOf("subject.kind", request.subject?.kind, as: ComplaintSubjectKind.self)
        if request.subject?.id == nil { checks.fail("subject.id", "is required") }
        let category = checks.oneOf("category", request.category, as: ComplaintCategory.self)
        let description = checks.requiredLines("description", request.description, maxLength: Self.maxDescription)
        let desiredOutcome = checks.optional("desiredOutcome", request.desiredOutcome, maxLength: 2000)
        try checks.finish()
        guard let against = request.againstCompanyID, let kind, let subjectID = request.subject?.id, let category, let description else {
            throw Problem.internalError("validation let a missing field through")
        }
        let now = self.now()
        let (respondBy, negotiationEndsAt) = settings.clock(category).deadlines(filedAt: now)
        let viewer = ComplaintViewer(actor)
        return try await database.transaction(context, idempotent: try MessageCodec.encode(request)) { transaction in
            guard try await PartyDirectory.tookPart(companyID, against, in: kind, subjectID, on: transaction) else { throw Problem.notAParty }
            let id = UUID()
            try await transaction.query("""
                INSERT INTO complaints (id, complainant_company_id, respondent_company_id, filed_by, subject_kind, subject_id, category,
                                        description, desired_outcome, concerns_minors, status, filed_at, respond_by, escalatable_at,
                                        negotiation_ends_at, updated_at)
                VALUES (\(id), \(companyID), \(against), \(actor.accountID), \(kind.rawValue), \(subjectID), \(category.rawValue), \(description),
                        \(desiredOutcome.nonEmpty), \(request.concernsMinors ?? false), 'negotiating', \(now), \(respondBy), \(respondBy),
                        \(negotiationEndsAt), \(now))
                """)
            try await ComplaintRecords.record("filed", on: id, by: .complainant, actor: actor.accountID, status: .negotiating, at: now, on: transaction)
            return try await ComplaintRecords.view(id, for: viewer, at: now, on: transaction.connection, logger: context.logger)
        }
    }

    /// `complaints.list-complaints.v1`: the complaints the caller's company filed or answers, newest first.
    @Sendable func listComplaints(_ request: ListComplaints, _ context: RequestContext) async throws -> Page<Complaint> {
        let (actor, companyID) = try context.callerCompany()
        let (limit, after) = try Cursor.read(request.page)
        let now = self.now()
        let viewer = ComplaintViewer(actor)
        let rows = try await database.client.query("""
            \(unescaped: ComplaintRecords.select)
            WHERE (c.complainant_company_id = \(companyID) OR c.respondent_company_id = \(companyID))
              AND (floor(extract(epoch FROM c.filed_at) * 1000000)::int8, c.id::text) < (\(after.position), \(after.id))
            ORDER BY 24 DESC, c.id::text DESC LIMIT \(limit + 1)
            """, logger: context.logger)
        var items: [(Complaint, Cursor)] = []
        for try await row in rows.decode(ComplaintRecords.Row.self) {
            guard let party = viewer.party(complainant: row.1, respondent: row.2) else { continue }
            let (complaint, position) = try ComplaintRecords.decode(row, for: party, at: now)
            items.append((complaint, Cursor(position: position, id: complaint.id.uuidString.lowercased())))
        }
        return Cursor.page(items, limit: limit)
    }

    /// `complaints.get-complaint.v1`.
    @Sendable func getComplaint(_ request: GetComplaint, _ context: RequestContext) async throws -> Complaint {
        let viewer = ComplaintViewer(try context.caller())
        return try await database.withConnection { connection in
            try await ComplaintRecords.view(request.complaintID, for: viewer, at: now(), on: connection, logger: context.logger)
        }
    }

    /// `complaints.list-complaint-events.v1`: the timeline, oldest first.
    @Sendable func listComplaintEvents(_ request: ListComplaintEvents, _ context: RequestContext) async throws -> ComplaintTimeline {
        let viewer = ComplaintViewer(try context.caller())
        return try await database.withConnection { connection in
            _ = try await ComplaintRecords.view(request.complaintID, for: viewer, at: now(), on: connection, logger: context.logger)
            var items: [ComplaintEvent] = []
            for try await (sequence, at, kind, party, actor, text, proposal, status) in try await connection.query("""
                SELECT sequence, at, kind, party, actor, text, proposal::text, status FROM complaint_events
                WHERE complaint_id = \(request.complaintID) ORDER BY sequence
                """, logger: context.logger).decode((Int64, Date, String, String, UUID?, String?, String?, String).self) {
                items.append(ComplaintEvent(
                    sequence: sequence, at: at, kind: kind, party: ComplaintParty(rawValue: party) ?? .system, actor: actor, text: text,
                    proposal: try proposal.map { try MessageCodec.decode(ComplaintProposal.self, from: Data($0.utf8)) },
                    status: ComplaintStatus(rawValue: status) ?? .negotiating))
            }
            return ComplaintTimeline(items: items)
        }
    }

    /// `complaints.add-evidence.v1`: a party adds evidence while the complaint is open.
    @Sendable func addEvidence(_ request: AddEvidence, _ context: RequestContext) async throws -> ComplaintEvidence {
        let actor = try partyActor(context)
        var checks = FieldChecks()
        let description = checks.requiredLines("description", request.description, maxLength: Self.maxDescription)
        let url = request.url == nil ? nil : checks.httpsURL("url", request.url)
        let attachment = request.attachment.flatMap { checks.attachment("attachment", $0) }
        try checks.finish()
        guard let description else { throw Problem.internalError("validation let a missing field through") }
        let now = self.now()
        let viewer = ComplaintViewer(actor)
        return try await database.transaction(context, idempotent: try MessageCodec.encode(request)) { transaction in
            let (complaint, party) = try await ComplaintRecords.lock(request.complaintID, for: viewer, at: now, on: transaction)
            guard party == .complainant || party == .respondent, !complaint.status.isClosed else {
                throw Problem.transitionNotAllowed("evidence", complaint.status)
            }
            let id = UUID()
            let attachmentJSON = try attachment.map { String(decoding: try MessageCodec.encode($0), as: UTF8.self) }
            try await transaction.query("""
                INSERT INTO complaint_evidence (id, complaint_id, party, added_by, added_at, concerns_minors, description, url, attachment)
                VALUES (\(id), \(complaint.id), \(party.rawValue), \(actor.accountID), \(now), \(request.concernsMinors ?? false), \(description),
                        \(url), \(attachmentJSON)::jsonb)
                """)
            try await transaction.query("UPDATE complaints SET updated_at = \(now) WHERE id = \(complaint.id)")
            try await ComplaintRecords.record("evidence-added", on: complaint.id, by: party, actor: actor.accountID, status: complaint.status, at: now,
                                              on: transaction)
            return ComplaintEvidence(
                id: id, party: party, addedBy: actor.accountID, addedAt: now, concernsMinors: request.concernsMinors ?? false,
                description: description, url: url, attachment: attachment)
        }
    }
}
