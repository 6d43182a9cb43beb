import Foundation

/// Where a complaint stands. `negotiating` is the parties' own phase; `escalated` waits for a
/// `support` agent, `under-review` is assigned; `resolved` (by agreement), `decided` (by staff)
/// and `withdrawn` (by the complainant) are closed.
public enum ComplaintStatus: String, Codable, Sendable, CaseIterable {
    case negotiating, escalated
    case underReview = "under-review"
    case resolved, decided, withdrawn

    public var isClosed: Bool { [.resolved, .decided, .withdrawn].contains(self) }
}

public enum ComplaintCategory: String, Codable, Sendable, CaseIterable {
    case quality, delivery, payment, misrepresentation, fraud, other
}

/// What a complaint is about: something both companies took part in.
public enum ComplaintSubjectKind: String, Codable, Sendable, CaseIterable {
    case product, rfq, quote, conversation
}

public struct ComplaintSubject: Codable, Sendable, Equatable {
    public var kind: ComplaintSubjectKind
    public var id: UUID

    public init(kind: ComplaintSubjectKind, id: UUID) {
        self.kind = kind
        self.id = id
    }
}

/// How a complaint ends: what the parties agree on, or what staff decide.
public enum ComplaintOutcome: String, Codable, Sendable, CaseIterable {
    case refund
    case partialRefund = "partial-refund"
    case replacement, warning, dismissed
}

/// Which side of a complaint someone acts on.
public enum ComplaintParty: String, Codable, Sendable {
    case complainant, respondent, staff, system
}

/// An outcome one party offers the other.
public struct ComplaintProposal: Codable, Sendable, Equatable {
    public var outcome: ComplaintOutcome
    public var amount: Money?
    public var proposedBy: ComplaintParty
    public var proposedAt: Date

    public init(outcome: ComplaintOutcome, amount: Money?, proposedBy: ComplaintParty, proposedAt: Date) {
        self.outcome = outcome
        self.amount = amount
        self.proposedBy = proposedBy
        self.proposedAt = proposedAt
    }
}

/// Staff's decision, with the reason both parties see.
public struct ComplaintDecision: Codable, Sendable, Equatable {
    public var outcome: ComplaintOutcome
    public var amount: Money?
    public var reason: String
    public var decidedBy: UUID?
    public var decidedAt: Date

    public init(outcome: ComplaintOutcome, amount: Money?, reason: String, decidedBy: UUID?, decidedAt: Date) {
        self.outcome = outcome
        self.amount = amount
        self.reason = reason
        self.decidedBy = decidedBy
        self.decidedAt = decidedAt
    }
}

/// Something a party submits to support its case. What concerns end buyers who may be minors is
/// shown to staff only: the other party sees that the item exists, not its content.
public struct ComplaintEvidence: Codable, Sendable, Equatable {
    public var id: UUID
    public var party: ComplaintParty
    public var addedBy: UUID?
    public var addedAt: Date
    public var concernsMinors: Bool
    /// Absent for a party that may not see it.
    public var description: String?
    public var url: String?
    public var attachment: Attachment?

    public init(
        id: UUID, party: ComplaintParty, addedBy: UUID?, addedAt: Date, concernsMinors: Bool, description: String?, url: String?,
        attachment: Attachment?
    ) {
        self.id = id
        self.party = party
        self.addedBy = addedBy
        self.addedAt = addedAt
        self.concernsMinors = concernsMinors
        self.description = description
        self.url = url
        self.attachment = attachment
    }
}

/// A note staff keep on a complaint; the parties never see it.
public struct StaffNote: Codable, Sendable, Equatable {
    public var id: UUID
    public var author: UUID?
    public var text: String
    public var createdAt: Date

    public init(id: UUID, author: UUID?, text: String, createdAt: Date) {
        self.id = id
        self.author = author
        self.text = text
        self.createdAt = createdAt
    }
}

/// A complaint as a party or staff sees it.
public struct Complaint: Codable, Sendable, Equatable {
    public var id: UUID
    public var complainantCompanyID: UUID
    public var respondentCompanyID: UUID
    /// The person who filed it; nil once their data was erased.
    public var filedBy: UUID?
    public var subject: ComplaintSubject
    public var category: ComplaintCategory
    /// Absent for the respondent when the complainant marked it as concerning minors.
    public var description: String?
    public var desiredOutcome: String?
    public var concernsMinors: Bool
    public var status: ComplaintStatus
    /// The viewer's side: complainant, respondent or staff.
    public var viewerParty: ComplaintParty
    public var filedAt: Date
    /// The respondent's first answer is due by then, or the complaint escalates.
    public var respondBy: Date
    public var respondedAt: Date?
    /// From then on either party may escalate.
    public var escalatableAt: Date
    /// The negotiation ends then: what is not resolved escalates.
    public var negotiationEndsAt: Date
    public var escalatedAt: Date?
    /// Staff decide by then (working days from the escalation).
    public var decideBy: Date?
    /// A clock ran out: the respondent's answer, or staff's decision.
    public var overdue: Bool
    /// The `support` agent handling it (staff only).
    public var assignedTo: UUID?
    public var openProposal: ComplaintProposal?
    public var decision: ComplaintDecision?
    public var closedAt: Date?
    public var evidence: [ComplaintEvidence]
    /// Staff only.
    public var staffNotes: [StaffNote]?
    public var updatedAt: Date

    public init(
        id: UUID, complainantCompanyID: UUID, respondentCompanyID: UUID, filedBy: UUID?, subject: ComplaintSubject, category: ComplaintCategory,
        description: String?, desiredOutcome: String?, concernsMinors: Bool, status: ComplaintStatus, viewerParty: ComplaintParty,
        filedAt: Date, respondBy: Date, respondedAt: Date?, escalatableAt: Date, negotiationEndsAt: Date, escalatedAt: Date?,
        decideBy: Date?, overdue: Bool, assignedTo: UUID?, openProposal: ComplaintProposal?, decision: ComplaintDecision?, closedAt: Date?,
        evidence: [ComplaintEvidence], staffNotes: [StaffNote]?, updatedAt: Date
    ) {
        self.id = id
        self.complainantCompanyID = complainantCompanyID
        self.respondentCompanyID = respondentCompanyID
        self.filedBy = filedBy
        self.subject = subject
        self.category = category
        self.description = description
        self.desiredOutcome = desiredOutcome
        self.concernsMinors = concernsMinors
        self.status = status
        self.viewerParty = viewerParty
        self.filedAt = filedAt
        self.respondBy = respondBy
        self.respondedAt = respondedAt
        self.escalatableAt = escalatableAt
        self.negotiationEndsAt = negotiationEndsAt
        self.escalatedAt = escalatedAt
        self.decideBy = decideBy
        self.overdue = overdue
        self.assignedTo = assignedTo
        self.openProposal = openProposal
        self.decision = decision
        self.closedAt = closedAt
        self.evidence = evidence
        self.staffNotes = staffNotes
        self.updatedAt = updatedAt
    }
}

/// One entry of a complaint's append-only timeline: who did what, when.
public struct ComplaintEvent: Codable, Sendable, Equatable {
    public var sequence: Int64
    public var at: Date
    public var kind: String
    public var party: ComplaintParty
    /// The person who acted; nil for the system's clocks and once the person was erased.
    public var actor: UUID?
    public var text: String?
    public var proposal: ComplaintProposal?
    /// The status after it.
    public var status: ComplaintStatus

    public init(
        sequence: Int64, at: Date, kind: String, party: ComplaintParty, actor: UUID?, text: String?, proposal: ComplaintProposal?,
        status: ComplaintStatus
    ) {
        self.sequence = sequence
        self.at = at
        self.kind = kind
        self.party = party
        self.actor = actor
        self.text = text
        self.proposal = proposal
        self.status = status
    }
}

public struct ComplaintTimeline: Codable, Sendable, Equatable {
    public var items: [ComplaintEvent]

    public init(items: [ComplaintEvent]) { self.items = items }
}
