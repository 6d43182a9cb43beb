import Foundation

/// What an open complaint holds as evidence, so that the services keeping it postpone its erasure
/// ("evidence in an open complaint") until the complaint closes.
public struct HeldEvidence: Codable, Sendable, Equatable {
    public var conversationIDs: [UUID]
    public var rfqIDs: [UUID]
    public var quoteIDs: [UUID]

    public init(conversationIDs: [UUID] = [], rfqIDs: [UUID] = [], quoteIDs: [UUID] = []) {
        self.conversationIDs = conversationIDs
        self.rfqIDs = rfqIDs
        self.quoteIDs = quoteIDs
    }
}

/// A step in a complaint's timeline (filed, replied, escalated, decided, ...): messaging tells the
/// other side live, marketing mails the filing and the decision, and the services holding its
/// evidence hold it while `status` is open and release it once it is closed.
public struct ComplaintChanged: EventContract {
    public static let type: MessageType = "complaints.complaint-changed.v1"

    public var complaintID: UUID
    public var complainantCompanyID: UUID
    public var respondentCompanyID: UUID
    /// The timeline entry's kind.
    public var step: String
    public var party: ComplaintParty
    public var status: ComplaintStatus
    public var evidence: HeldEvidence
    public var at: Date

    public init(
        complaintID: UUID, complainantCompanyID: UUID, respondentCompanyID: UUID, step: String, party: ComplaintParty, status: ComplaintStatus,
        evidence: HeldEvidence, at: Date
    ) {
        self.complaintID = complaintID
        self.complainantCompanyID = complainantCompanyID
        self.respondentCompanyID = respondentCompanyID
        self.step = step
        self.party = party
        self.status = status
        self.evidence = evidence
        self.at = at
    }

    /// The companies to tell: the other side of a party's step, both sides of staff's and the clocks'.
    public var companiesToTell: [UUID] {
        switch party {
        case .complainant: [respondentCompanyID]
        case .respondent: [complainantCompanyID]
        case .staff, .system: [complainantCompanyID, respondentCompanyID]
        }
    }
}
