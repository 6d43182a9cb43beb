import Contracts
import Foundation
import MessageBus
import Persistence
import ServiceRuntime

extension ComplaintsHandlers {
    /// `complaints.take-action.v1`: a party replies, proposes an outcome, accepts or rejects the
    /// other side's proposal, escalates, or (the complainant) withdraws; each is recorded in the
    /// timeline with who and when, and the respondent's first action stops its answer clock.
    @Sendable func takeAction(_ request: TakeComplaintAction, _ context: RequestContext) async throws -> Complaint {
        let actor = try partyActor(context)
        var checks = FieldChecks()
        let action = checks.oneOf("action", request.action, as: ComplaintAction.self)
        let text = request.text == nil && action != .reply ? nil : checks.requiredLines("text", request.text, maxLength: Self.maxDescription)
        var offer: (ComplaintOutcome, Money?)?
        if action == .propose {
            if request.proposal == nil { checks.fail("proposal", "is required to propose") }
            offer = readOutcome(request.proposal?.outcome, amount: request.proposal?.amount, field: "proposal.outcome",
                                amountField: "proposal.amount", checks: &checks)
        }
        try checks.finish()
        guard let action else { throw Problem.internalError("validation let a missing field through") }
        let now = self.now()
        let viewer = ComplaintViewer(actor)
        return try await database.transaction(context, idempotent: try MessageCodec.encode(request)) { transaction in
            let (complaint, party) = try await ComplaintRecords.lock(request.complaintID, for: viewer, at: now, on: transaction)
            guard let status = ComplaintLifecycle.next(
                complaint.status, action, by: party, openProposalBy: complaint.openProposal?.proposedBy, escalatable: now >= complaint.escalatableAt)
            else { throw Problem.transitionNotAllowed(action.rawValue, complaint.status) }

            var proposal = complaint.openProposal
            var recorded: ComplaintProposal?
            switch action {
            case .propose:
                guard let (outcome, amount) = offer else { throw Problem.internalError("validation let a missing proposal through") }
                proposal = ComplaintProposal(outcome: outcome, amount: amount, proposedBy: party, proposedAt: now)
                recorded = proposal
            case .accept:
                recorded = proposal
            case .reject:
                proposal = nil
            default:
                break
            }
            let proposalJSON = try proposal.map { String(decoding: try MessageCodec.encode($0), as: UTF8.self) }
            try await transaction.query("""
                UPDATE complaints SET status = \(status.rawValue), proposal = \(proposalJSON)::jsonb, updated_at = \(now),
                    responded_at = CASE WHEN \(party == .respondent) THEN coalesce(responded_at, \(now)) ELSE responded_at END,
                    escalated_at = CASE WHEN \(status == .escalated) THEN \(now) ELSE escalated_at END,
                    decide_by = CASE WHEN \(status == .escalated) THEN \(decisionDeadline(complaint.category, escalatedAt: now)) ELSE decide_by END,
                    closed_at = CASE WHEN \(status.isClosed) THEN \(now) ELSE closed_at END
                WHERE id = \(complaint.id)
                """)
            try await ComplaintRecords.record(action.eventKind, on: complaint.id, by: party, actor: actor.accountID, text: text, proposal: recorded,
                                              status: status, at: now, on: transaction)
            return try await ComplaintRecords.view(complaint.id, for: viewer, at: now, on: transaction.connection, logger: context.logger)
        }
    }

    /// Staff decide within the category's working days from the escalation.
    func decisionDeadline(_ category: ComplaintCategory, escalatedAt: Date) -> Date {
        settings.calendar.adding(workingDays: settings.clock(category).decisionWorkingDays, to: escalatedAt)
    }
}

extension ComplaintAction {
    /// How the timeline names it.
    var eventKind: String {
        switch self {
        case .reply: "replied"
        case .propose: "proposed"
        case .accept: "accepted"
        case .reject: "rejected"
        case .escalate: "escalated"
        case .withdraw: "withdrawn"
        }
    }
}
