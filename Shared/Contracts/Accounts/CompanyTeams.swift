import Foundation

// Company teams: several people act for one company. The company owns the business data; its
// admins invite colleagues, change their roles and remove them; a company always keeps an admin.

/// What a person may do inside their company: admins manage the team, members act for it.
public enum CompanyRole: String, Codable, Sendable, CaseIterable {
    case admin, member
}

/// One person of the caller's company, as colleagues see them.
public struct CompanyMember: Codable, Sendable, Equatable {
    public var accountID: UUID
    public var contactName: String
    public var email: String
    public var title: String?
    public var department: String?
    public var role: CompanyRole
    public var joinedAt: Date

    public init(accountID: UUID, contactName: String, email: String, title: String?, department: String?, role: CompanyRole, joinedAt: Date) {
        self.accountID = accountID
        self.contactName = contactName
        self.email = email
        self.title = title
        self.department = department
        self.role = role
        self.joinedAt = joinedAt
    }
}

/// An invitation that has not been used yet.
public struct CompanyInvitation: Codable, Sendable, Equatable {
    public var id: UUID
    public var email: String
    public var role: CompanyRole
    public var invitedBy: UUID
    public var createdAt: Date
    public var expiresAt: Date

    public init(id: UUID, email: String, role: CompanyRole, invitedBy: UUID, createdAt: Date, expiresAt: Date) {
        self.id = id
        self.email = email
        self.role = role
        self.invitedBy = invitedBy
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}

/// The caller's company team: its members, and the invitations still open.
public struct CompanyTeam: Codable, Sendable, Equatable {
    public var items: [CompanyMember]
    public var invitations: [CompanyInvitation]

    public init(items: [CompanyMember], invitations: [CompanyInvitation]) {
        self.items = items
        self.invitations = invitations
    }
}

/// `GET /v1/me/company/members`: any member sees the team.
public struct ListCompanyMembers: RequestContract {
    public typealias Reply = CompanyTeam
    public static let type: MessageType = "accounts.list-company-members.v1"
    public static let access = Access.signedIn

    public init() {}
}

/// `POST /v1/me/company/invitations`: a company admin invites a colleague by email; a second
/// invitation to the same address replaces the first.
public struct InviteColleague: RequestContract {
    public typealias Reply = CompanyInvitation
    public static let type: MessageType = "accounts.invite-colleague.v1"
    public static let access = Access.signedIn

    public var email: String?
    /// `member` (the default) or `admin`.
    public var role: String?

    public init(email: String?, role: String? = nil) {
        self.email = email
        self.role = role
    }
}

/// `POST /v1/company-invitations/{token}`: the link from the invitation mail. Signed in, the
/// caller's account (one that acts for no company, with the invited address) joins; otherwise
/// the body registers a new account for the invited address, which the link proves.
public struct AcceptInvitation: RequestContract {
    public typealias Reply = Account
    public static let type: MessageType = "accounts.accept-invitation.v1"
    public static let access = Access.anyone

    public var token: String
    public var password: String?
    public var contactName: String?
    public var title: String?
    public var department: String?
    public var telephone: String?
    public var language: String?

    public init(
        token: String, password: String? = nil, contactName: String? = nil, title: String? = nil, department: String? = nil,
        telephone: String? = nil, language: String? = nil
    ) {
        self.token = token
        self.password = password
        self.contactName = contactName
        self.title = title
        self.department = department
        self.telephone = telephone
        self.language = language
    }
}

/// `DELETE /v1/me/company/members/{accountId}`: an admin removes a colleague, or anyone leaves.
public struct RemoveCompanyMember: RequestContract {
    public typealias Reply = NoContent
    public static let type: MessageType = "accounts.remove-company-member.v1"
    public static let access = Access.signedIn

    public var accountID: UUID

    public init(accountID: UUID) { self.accountID = accountID }
}

/// `PUT /v1/me/company/members/{accountId}/role`: an admin makes a colleague admin or member.
public struct SetCompanyRole: RequestContract {
    public typealias Reply = CompanyMember
    public static let type: MessageType = "accounts.set-company-role.v1"
    public static let access = Access.signedIn

    public var accountID: UUID
    public var role: String?

    public init(accountID: UUID, role: String?) {
        self.accountID = accountID
        self.role = role
    }
}

/// An admin invited someone: marketing mails the link (transactional). The invitee may have no
/// account yet, so the event carries everything the mail needs.
public struct ColleagueInvited: EventContract {
    public static let type: MessageType = "accounts.colleague-invited.v1"
    public static let carriesSecret = true

    public var invitationID: UUID
    public var companyID: UUID
    public var companyName: String
    public var email: String
    public var invitedByName: String
    public var token: String
    public var expiresAt: Date
    /// The inviting admin's language: the invitee's is not known yet.
    public var language: Language

    public init(
        invitationID: UUID, companyID: UUID, companyName: String, email: String, invitedByName: String, token: String, expiresAt: Date,
        language: Language
    ) {
        self.invitationID = invitationID
        self.companyID = companyID
        self.companyName = companyName
        self.email = email
        self.invitedByName = invitedByName
        self.token = token
        self.expiresAt = expiresAt
        self.language = language
    }
}

/// An existing account joined a company (a new one joining also announces `AccountRegistered`).
public struct CompanyMemberJoined: EventContract {
    public static let type: MessageType = "accounts.company-member-joined.v1"

    public var accountID: UUID
    public var company: CompanyCard
    public var role: CompanyRole
    public var joinedAt: Date

    public init(accountID: UUID, company: CompanyCard, role: CompanyRole, joinedAt: Date) {
        self.accountID = accountID
        self.company = company
        self.role = role
        self.joinedAt = joinedAt
    }
}

/// A person no longer acts for the company: services drop them from its members at once (their
/// sessions have ended too); what they did stays attributed to them.
public struct CompanyMemberRemoved: EventContract {
    public static let type: MessageType = "accounts.company-member-removed.v1"

    public var accountID: UUID
    public var companyID: UUID
    /// Who removed them: an admin, or the person themselves when they left.
    public var removedBy: UUID
    public var removedAt: Date

    public init(accountID: UUID, companyID: UUID, removedBy: UUID, removedAt: Date) {
        self.accountID = accountID
        self.companyID = companyID
        self.removedBy = removedBy
        self.removedAt = removedAt
    }
}
