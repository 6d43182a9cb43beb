import Foundation

// Requests the accounts service answers on `accounts.rpc`. Fields a user types are optional
// strings, so a missing or malformed one becomes a field-level `validation-failed`, not a decoding error.

/// `POST /v1/accounts`: register a company user.
public struct RegisterAccount: RequestContract {
    public typealias Reply = Account
    public static let type: MessageType = "accounts.register.v1"
    public static let access = Access.anyone

    public var email: String?
    public var password: String?
    public var companyName: String?
    public var businessType: String?
    public var industry: String?
    public var country: String?
    public var contactName: String?
    public var title: String?
    public var department: String?
    public var telephone: String?
    /// One of `Language`; the gateway fills it from `Accept-Language` when the body has none.
    public var language: String?

    public init(
        email: String?, password: String?, companyName: String?, businessType: String?, industry: String?,
        country: String?, contactName: String?, title: String? = nil, department: String? = nil, telephone: String?,
        language: String? = nil
    ) {
        self.language = language
        self.email = email
        self.password = password
        self.companyName = companyName
        self.businessType = businessType
        self.industry = industry
        self.country = country
        self.contactName = contactName
        self.title = title
        self.department = department
        self.telephone = telephone
    }
}

/// `POST /v1/sessions`: sign in; the gateway adds where the request came from.
public struct CreateSession: RequestContract {
    public typealias Reply = CreatedSession
    public static let type: MessageType = "accounts.create-session.v1"
    public static let access = Access.anyone

    public var email: String?
    public var password: String?
    public var client: ClientInfo?

    public init(email: String?, password: String?, client: ClientInfo?) {
        self.email = email
        self.password = password
        self.client = client
    }
}

public struct CreatedSession: Codable, Sendable, Equatable {
    /// Opaque bearer token; the platform keeps only its hash, so it cannot be shown again.
    public var token: String
    public var sessionID: UUID
    public var expiresAt: Date
    public var account: Account

    public init(token: String, sessionID: UUID, expiresAt: Date, account: Account) {
        self.token = token
        self.sessionID = sessionID
        self.expiresAt = expiresAt
        self.account = account
    }
}

/// The gateway asks who a bearer token belongs to (and keeps the answer briefly).
public struct AuthenticateSession: RequestContract {
    public typealias Reply = AuthenticatedSession
    public static let type: MessageType = "accounts.authenticate-session.v1"
    public static let access = Access.anyone

    public var token: String

    public init(token: String) { self.token = token }
}

public struct AuthenticatedSession: Codable, Sendable, Equatable {
    public var accountID: UUID
    /// The company the account acts for; nil for staff.
    public var companyID: UUID?
    public var sessionID: UUID
    public var roles: [Role]
    /// When the session ends unless used again (idle expiry), or at the latest (absolute expiry).
    public var expiresAt: Date

    public init(accountID: UUID, companyID: UUID?, sessionID: UUID, roles: [Role], expiresAt: Date) {
        self.accountID = accountID
        self.companyID = companyID
        self.sessionID = sessionID
        self.roles = roles
        self.expiresAt = expiresAt
    }

    /// The actor a message sent for this session carries.
    public var actor: Actor {
        Actor(accountID: accountID, companyID: companyID, roles: roles.map(\.rawValue), sessionID: sessionID)
    }
}

/// `DELETE /v1/sessions/current` (no id: the caller's own session) or `DELETE /v1/me/sessions/{id}`.
public struct EndSession: RequestContract {
    public typealias Reply = NoContent
    public static let type: MessageType = "accounts.end-session.v1"
    public static let access = Access.signedIn

    public var sessionID: UUID?

    public init(sessionID: UUID?) { self.sessionID = sessionID }
}

/// `GET /v1/me/sessions`.
public struct ListSessions: RequestContract {
    public typealias Reply = Page<SessionInfo>
    public static let type: MessageType = "accounts.list-sessions.v1"
    public static let access = Access.signedIn

    public var page: PageRequest

    public init(page: PageRequest = PageRequest()) { self.page = page }
}

/// `GET /v1/me/logins`.
public struct ListLogins: RequestContract {
    public typealias Reply = Page<LoginRecord>
    public static let type: MessageType = "accounts.list-logins.v1"
    public static let access = Access.signedIn

    public var page: PageRequest

    public init(page: PageRequest = PageRequest()) { self.page = page }
}

/// `GET /v1/me`.
public struct GetMe: RequestContract {
    public typealias Reply = Account
    public static let type: MessageType = "accounts.get-me.v1"
    public static let access = Access.signedIn

    public init() {}
}

/// `PATCH /v1/me`: absent fields stay as they are; an empty `title` or `department` clears it.
/// Changing the email needs `currentPassword`.
public struct UpdateMe: RequestContract {
    public typealias Reply = Account
    public static let type: MessageType = "accounts.update-me.v1"
    public static let access = Access.signedIn

    public var email: String?
    public var currentPassword: String?
    public var companyName: String?
    public var industry: String?
    public var country: String?
    public var contactName: String?
    public var title: String?
    public var department: String?
    public var telephone: String?
    public var language: String?

    public init(
        email: String? = nil, currentPassword: String? = nil, companyName: String? = nil, industry: String? = nil,
        country: String? = nil, contactName: String? = nil, title: String? = nil, department: String? = nil,
        telephone: String? = nil, language: String? = nil
    ) {
        self.language = language
        self.email = email
        self.currentPassword = currentPassword
        self.companyName = companyName
        self.industry = industry
        self.country = country
        self.contactName = contactName
        self.title = title
        self.department = department
        self.telephone = telephone
    }
}

/// `POST /v1/me/password`: every other session of the account ends.
public struct ChangePassword: RequestContract {
    public typealias Reply = NoContent
    public static let type: MessageType = "accounts.change-password.v1"
    public static let access = Access.signedIn

    public var currentPassword: String?
    public var newPassword: String?

    public init(currentPassword: String?, newPassword: String?) {
        self.currentPassword = currentPassword
        self.newPassword = newPassword
    }
}

/// `GET /v1/companies/{id}`: anyone may read a company's public card.
public struct GetCompany: RequestContract {
    public typealias Reply = CompanyCard
    public static let type: MessageType = "accounts.get-company.v1"
    public static let access = Access.anyone

    public var companyID: UUID

    public init(companyID: UUID) { self.companyID = companyID }
}

/// `GET /v1/admin/accounts?verificationStatus=`: staff with the admin role.
public struct ListAccounts: RequestContract {
    public typealias Reply = Page<Account>
    public static let type: MessageType = "accounts.list-accounts.v1"
    public static let access = Access.role(.admin)

    public var verificationStatus: String?
    public var page: PageRequest

    public init(verificationStatus: String?, page: PageRequest = PageRequest()) {
        self.verificationStatus = verificationStatus
        self.page = page
    }
}

/// `POST /v1/admin/accounts/{id}/verification`: approve or reject an account's company.
public struct DecideVerification: RequestContract {
    public typealias Reply = Account
    public static let type: MessageType = "accounts.decide-verification.v1"
    public static let access = Access.role(.admin)

    public var accountID: UUID
    public var decision: String?
    public var reason: String?

    public init(accountID: UUID, decision: String?, reason: String?) {
        self.accountID = accountID
        self.decision = decision
        self.reason = reason
    }
}

/// `PUT /v1/admin/accounts/{id}/roles`: set an account's staff roles (`admin`, `marketing`,
/// `support`); its business role stays as its business type made it.
public struct SetStaffRoles: RequestContract {
    public typealias Reply = Account
    public static let type: MessageType = "accounts.set-staff-roles.v1"
    public static let access = Access.role(.admin)

    public var accountID: UUID
    public var roles: [String]?

    public init(accountID: UUID, roles: [String]?) {
        self.accountID = accountID
        self.roles = roles
    }
}

/// `POST /v1/live/tickets`: a single-use ticket, valid 60 seconds, that opens the caller's live
/// WebSocket (browsers cannot send an Authorization header with one). It belongs to the session
/// that asked for it.
public struct IssueLiveTicket: RequestContract {
    public typealias Reply = LiveTicket
    public static let type: MessageType = "accounts.issue-live-ticket.v1"
    public static let access = Access.signedIn

    public init() {}
}

public struct LiveTicket: Codable, Sendable, Equatable {
    public var ticket: String
    public var expiresAt: Date

    public init(ticket: String, expiresAt: Date) {
        self.ticket = ticket
        self.expiresAt = expiresAt
    }
}

/// The gateway redeems a ticket when its WebSocket is opened: once, before it expires, and only
/// while its session is still valid.
public struct RedeemLiveTicket: RequestContract {
    public typealias Reply = AuthenticatedSession
    public static let type: MessageType = "accounts.redeem-live-ticket.v1"
    public static let access = Access.anyone

    public var ticket: String

    public init(ticket: String) { self.ticket = ticket }
}

/// Another service confirms that the signed-in caller typed their password (the data-rights
/// service before it acts on a request); no route at the gateway. 403 `wrong-password` otherwise.
public struct VerifyPassword: RequestContract {
    public typealias Reply = NoContent
    public static let type: MessageType = "accounts.verify-password.v1"
    public static let access = Access.signedIn

    public var password: String?
    /// The field the caller's form named it, for the 403's field error.
    public var field: String

    public init(password: String?, field: String = "password") {
        self.password = password
        self.field = field
    }
}

/// The data-rights service finds the subject of a request support staff entered by the address it
/// names; no route at the gateway. 404 when no account uses it (an erased one no longer does).
public struct FindAccount: RequestContract {
    public typealias Reply = FoundAccount
    public static let type: MessageType = "accounts.find-account.v1"
    public static let access = Access.oneOf([.support, .admin])

    public var email: String?

    public init(email: String?) { self.email = email }
}

public struct FoundAccount: Codable, Sendable, Equatable {
    public var accountID: UUID

    public init(accountID: UUID) { self.accountID = accountID }
}

/// The data-rights service checks the accounts staff name as affected by a security incident: the
/// ids among `accountIDs` that name no account, or an erased one. No route at the gateway.
public struct FindUnknownAccounts: RequestContract {
    public typealias Reply = UnknownAccounts
    public static let type: MessageType = "accounts.find-unknown-accounts.v1"
    public static let access = Access.oneOf([.support, .admin])

    public var accountIDs: [UUID]

    public init(accountIDs: [UUID]) { self.accountIDs = accountIDs }
}

public struct UnknownAccounts: Codable, Sendable, Equatable {
    public var accountIDs: [UUID]

    public init(accountIDs: [UUID]) { self.accountIDs = accountIDs }
}
