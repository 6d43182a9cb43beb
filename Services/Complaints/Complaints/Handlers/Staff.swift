import Contracts
import Foundation
import MessageBus
import Persistence
import ServiceRuntime

extension ComplaintsHandlers {
    /// `complaints.list-queue.v1`: staff's queue, oldest escalation first (open negotiations by
    /// filing); `overdue=true` keeps the complaints whose clock ran out.
    @Sendable func listQueue(_ request: ListComplaintQueue, _ context: RequestContext) async throws -> Page<Complaint> {
        var checks = FieldChecks()
        let status = request.status == nil ? nil : checks.oneOf("status", request.status, as: ComplaintStatus.self)
        let overdue = checks.flag("overdue", request.overdue)
        try checks.finish()
        let (limit, after) = try Cursor.read(request.page, newestFirst: false)
        let now = self.now()
        let rows = try await database.client.query("""
            \(unescaped: ComplaintRecords.select)
            WHERE (\(status?.rawValue)::text IS NULL OR c.status = \(status?.rawValue)::text)
              AND (\(overdue)::boolean IS NULL OR \(overdue)::boolean = (
                    (c.status = 'negotiating' AND c.responded_at IS NULL AND c.respond_by <= \(now))
                    OR (c.status IN ('escalated', 'under-review') AND c.decide_by <= \(now))))
              AND (floor(extract(epoch FROM coalesce(c.escalated_at, c.filed_at)) * 1000000)::int8, c.id::text) > (\(after.position), \(after.id))
            ORDER BY floor(extract(epoch FROM coalesce(c.escalated_at, c.filed_at)) * 1000000)::int8, c.id::text LIMIT \(limit + 1)
            """, logger: context.logger)
        var items: [(Complaint, Cursor)] = []
        for try await row in rows.decode(ComplaintRecords.Row.self) {
            let (complaint, _) = try ComplaintRecords.decode(row, for: .staff, at: now)
            let position = Int64(((complaint.escalatedAt ?? complaint.filedAt).timeIntervalSince1970 * 1_000_000).rounded(.down))
            items.append((complaint, Cursor(position: position, id: complaint.id.uuidString.lowercased())))
        }
        return Cursor.page(items, limit: limit)
    }

    /// `complaints.assign.v1`: an escalated complaint goes to an agent and is under review.
    @Sendable func assignComplaint(_ request: AssignComplaint, _ context: RequestContext) async throws -> Complaint {
        let actor = try context.caller()
        let assignee = request.assigneeID ?? actor.accountID
        let now = self.now()
        let viewer = ComplaintViewer(actor)
        return try await database.transaction(context, idempotent: try MessageCodec.encode(request)) { transaction in
            let (complaint, party) = try await ComplaintRecords.lock(request.complaintID, for: viewer, at: now, on: transaction)
            guard party == .staff, ComplaintLifecycle.staffMay(complaint.status) else { throw Problem.transitionNotAllowed("assign", complaint.status) }
            try await transaction.query("""
                UPDATE complaints SET status = 'under-review', assigned_to = \(assignee), updated_at = \(now) WHERE id = \(complaint.id)
                """)
            try await ComplaintRecords.record("assigned", on: complaint.id, by: .staff, actor: actor.accountID, status: .underReview, at: now,
                                              on: transaction)
            return try await ComplaintRecords.view(complaint.id, for: viewer, at: now, on: transaction.connection, logger: context.logger)
        }
    }

    /// `complaints.add-staff-note.v1`: a note the parties never see.
    @Sendable func addStaffNote(_ request: AddStaffNote, _ context: RequestContext) async throws -> StaffNote {
        let actor = try context.caller()
        let now = self.now()
        let viewer = ComplaintViewer(actor)
        return try await database.transaction(context, idempotent: try MessageCodec.encode(request)) { transaction in
            // An unknown complaint is 404 whatever the note says.
            let (complaint, party) = try await ComplaintRecords.lock(request.complaintID, for: viewer, at: now, on: transaction)
            guard party == .staff else { throw Problem.notFound("no complaint with this id") }
            var checks = FieldChecks()
            let text = checks.requiredLines("text", request.text, maxLength: Self.maxDescription)
            try checks.finish()
            guard let text else { throw Problem.internalError("validation let a missing field through") }
            let note = StaffNote(id: UUID(), author: actor.accountID, text: text, createdAt: now)
            try await transaction.query("""
                INSERT INTO staff_notes (id, complaint_id, author, text, created_at) VALUES (\(note.id), \(complaint.id), \(actor.accountID), \(text), \(now))
                """)
            return note
        }
    }

    /// `complaints.decide.v1`: staff decide an escalated complaint; both parties see the outcome
    /// and its reason.
    @Sendable func decideComplaint(_ request: DecideComplaint, _ context: RequestContext) async throws -> Complaint {
        let actor = try context.caller()
        let now = self.now()
        let viewer = ComplaintViewer(actor)
        return try await database.transaction(context, idempotent: try MessageCodec.encode(request)) { transaction in
            // An unknown complaint is 404, and one not awaiting a decision 409, whatever the body says.
            let (complaint, party) = try await ComplaintRecords.lock(request.complaintID, for: viewer, at: now, on: transaction)
            guard party == .staff, ComplaintLifecycle.staffMay(complaint.status) else { throw Problem.transitionNotAllowed("decide", complaint.status) }
            var checks = FieldChecks()
            let outcome = readOutcome(request.outcome, amount: request.amount, field: "outcome", amountField: "amount", checks: &checks)
            let reason = checks.requiredLines("reason", request.reason, maxLength: Self.maxDescription)
            try checks.finish()
            guard let (result, amount) = outcome, let reason else { throw Problem.internalError("validation let a missing field through") }
            let decision = ComplaintDecision(outcome: result, amount: amount, reason: reason, decidedBy: actor.accountID, decidedAt: now)
            try await transaction.query("""
                UPDATE complaints SET status = 'decided', decision = \(String(decoding: try MessageCodec.encode(decision), as: UTF8.self))::jsonb,
                    assigned_to = coalesce(assigned_to, \(actor.accountID)), closed_at = \(now), updated_at = \(now)
                WHERE id = \(complaint.id)
                """)
            try await ComplaintRecords.record("decided", on: complaint.id, by: .staff, actor: actor.accountID, text: reason, status: .decided, at: now,
                                              on: transaction)
            return try await ComplaintRecords.view(complaint.id, for: viewer, at: now, on: transaction.connection, logger: context.logger)
        }
    }
}
