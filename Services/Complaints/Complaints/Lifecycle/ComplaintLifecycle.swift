import Contracts
import Foundation

/// What a party may do to a complaint, and what follows: the one place the lifecycle's rules are
/// written. Staff's assignment and decision are checked in `staffMay`.
enum ComplaintAction: String, CaseIterable, Sendable {
    case reply, propose, accept, reject, escalate, withdraw
}

enum ComplaintLifecycle {
    /// The status after `party` takes `action`, or nil when the state or the party does not allow it.
    static func next(
        _ status: ComplaintStatus, _ action: ComplaintAction, by party: ComplaintParty, openProposalBy proposer: ComplaintParty?,
        escalatable: Bool
    ) -> ComplaintStatus? {
        guard party == .complainant || party == .respondent, !status.isClosed else { return nil }
        switch action {
        case .reply:
            return status
        case .propose:
            return status == .negotiating ? status : nil
        case .accept:
            return status == .negotiating && proposer != nil && proposer != party ? .resolved : nil
        case .reject:
            return status == .negotiating && proposer != nil && proposer != party ? status : nil
        case .escalate:
            return status == .negotiating && escalatable ? .escalated : nil
        case .withdraw:
            return party == .complainant ? .withdrawn : nil
        }
    }

    /// Staff may assign and decide a complaint once it is escalated, until it is decided.
    static func staffMay(_ status: ComplaintStatus) -> Bool { status == .escalated || status == .underReview }
}
