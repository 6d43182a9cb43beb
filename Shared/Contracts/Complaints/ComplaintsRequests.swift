import Foundation

// Requests the complaints service answers on `complaints.rpc`. What a user types is optional, so a
// missing or malformed field becomes a field-level `validation-failed`.

/// What a party writes about a subject: `{kind, id}`.
public struct ComplaintSubjectFields: Codable, Sendable, Equatable {
    public var kind: String?
    public var id: UUID?

    public init(kind: String?, id: UUID?) {
        self.kind = kind
        self.id = id
    }
}

/// An outcome as a party or staff writes it, with an amount for the refunds.
public struct ProposalFields: Codable, Sendable, Equatable {
    public var outcome: String?
    public var amount: RFQFields.Price?

    public init(outcome: String?, amount: RFQFields.Price? = nil) {
        self.outcome = outcome
        self.amount = amount
    }
}

/// `POST /v1/complaints`: a party files against the other company about something both took part in.
public struct FileComplaint: RequestContract {
    public typealias Reply = Complaint
    public static let type: MessageType = "complaints.file-complaint.v1"
    public static let access = Access.signedIn

    public var againstCompanyID: UUID?
    public var subject: ComplaintSubjectFields?
    public var category: String?
    public var description: String?
    public var desiredOutcome: String?
    /// The complaint concerns end buyers who may be minors: its description is shown to staff only.
    public var concernsMinors: Bool?

    public init(
        againstCompanyID: UUID?, subject: ComplaintSubjectFields?, category: String?, description: String?, desiredOutcome: String? = nil,
        concernsMinors: Bool? = nil
    ) {
        self.againstCompanyID = againstCompanyID
        self.subject = subject
        self.category = category
        self.description = description
        self.desiredOutcome = desiredOutcome
        self.concernsMinors = concernsMinors
    }
}

/// `GET /v1/complaints`: the caller's company's complaints, as either party, newest first.
public struct ListComplaints: RequestContract {
    public typealias Reply = Page<Complaint>
    public static let type: MessageType = "complaints.list-complaints.v1"
    public static let access = Access.signedIn

    public var page: PageRequest

    public init(page: PageRequest = PageRequest()) { self.page = page }
}

/// `GET /v1/complaints/{id}`: the parties and `support` or `admin` staff; anyone else gets 404.
public struct GetComplaint: RequestContract {
    public typealias Reply = Complaint
    public static let type: MessageType = "complaints.get-complaint.v1"
    public static let access = Access.signedIn

    public var complaintID: UUID

    public init(complaintID: UUID) { self.complaintID = complaintID }
}

/// `GET /v1/complaints/{id}/events`: the timeline, oldest first.
public struct ListComplaintEvents: RequestContract {
    public typealias Reply = ComplaintTimeline
    public static let type: MessageType = "complaints.list-complaint-events.v1"
    public static let access = Access.signedIn

    public var complaintID: UUID

    public init(complaintID: UUID) { self.complaintID = complaintID }
}

/// `POST /v1/complaints/{id}/evidence`: a party adds evidence while the complaint is open.
public struct AddEvidence: RequestContract {
    public typealias Reply = ComplaintEvidence
    public static let type: MessageType = "complaints.add-evidence.v1"
    public static let access = Access.signedIn

    public var complaintID: UUID
    public var description: String?
    public var url: String?
    public var attachment: AttachmentFields?
    public var concernsMinors: Bool?

    public init(complaintID: UUID, description: String?, url: String? = nil, attachment: AttachmentFields? = nil, concernsMinors: Bool? = nil) {
        self.complaintID = complaintID
        self.description = description
        self.url = url
        self.attachment = attachment
        self.concernsMinors = concernsMinors
    }
}

/// `POST /v1/complaints/{id}/actions`: reply, propose, accept or reject the other side's proposal,
/// escalate, withdraw; what the state or the party does not allow is 409 `transition-not-allowed`.
public struct TakeComplaintAction: RequestContract {
    public typealias Reply = Complaint
    public static let type: MessageType = "complaints.take-action.v1"
    public static let access = Access.signedIn

    public var complaintID: UUID
    public var action: String?
    public var text: String?
    public var proposal: ProposalFields?

    public init(complaintID: UUID, action: String?, text: String? = nil, proposal: ProposalFields? = nil) {
        self.complaintID = complaintID
        self.action = action
        self.text = text
        self.proposal = proposal
    }
}

/// `GET /v1/admin/complaints?status=&overdue=`: staff's queue, oldest first.
public struct ListComplaintQueue: RequestContract {
    public typealias Reply = Page<Complaint>
    public static let type: MessageType = "complaints.list-queue.v1"
    public static let access = Access.oneOf([.support, .admin])

    public var status: String?
    public var overdue: String?
    public var page: PageRequest

    public init(status: String? = nil, overdue: String? = nil, page: PageRequest = PageRequest()) {
        self.status = status
        self.overdue = overdue
        self.page = page
    }
}

/// `POST /v1/admin/complaints/{id}/assignment`: an escalated complaint goes to an agent (the
/// caller when no `assigneeID` is given) and is under review.
public struct AssignComplaint: RequestContract {
    public typealias Reply = Complaint
    public static let type: MessageType = "complaints.assign.v1"
    public static let access = Access.oneOf([.support, .admin])

    public var complaintID: UUID
    public var assigneeID: UUID?

    public init(complaintID: UUID, assigneeID: UUID? = nil) {
        self.complaintID = complaintID
        self.assigneeID = assigneeID
    }
}

/// `POST /v1/admin/complaints/{id}/notes`: a note for staff only.
public struct AddStaffNote: RequestContract {
    public typealias Reply = StaffNote
    public static let type: MessageType = "complaints.add-staff-note.v1"
    public static let access = Access.oneOf([.support, .admin])

    public var complaintID: UUID
    public var text: String?

    public init(complaintID: UUID, text: String?) {
        self.complaintID = complaintID
        self.text = text
    }
}

/// `POST /v1/admin/complaints/{id}/decision`: staff decide an escalated complaint, with a reason
/// both parties see.
public struct DecideComplaint: RequestContract {
    public typealias Reply = Complaint
    public static let type: MessageType = "complaints.decide.v1"
    public static let access = Access.oneOf([.support, .admin])

    public var complaintID: UUID
    public var outcome: String?
    public var amount: RFQFields.Price?
    public var reason: String?

    public init(complaintID: UUID, outcome: String?, amount: RFQFields.Price? = nil, reason: String?) {
        self.complaintID = complaintID
        self.outcome = outcome
        self.amount = amount
        self.reason = reason
    }
}
