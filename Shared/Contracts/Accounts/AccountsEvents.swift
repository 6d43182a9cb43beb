import Foundation

// Events the accounts service publishes on `expo.events` through its outbox.

public struct AccountRegistered: EventContract {
    public static let type: MessageType = "accounts.account-registered.v1"

    public var accountID: UUID
    public var email: String
    public var contactName: String
    public var company: CompanyCard?
    public var roles: [Role]
    public var registeredAt: Date
    /// Optional because events written before it was added have none (read as English).
    public var language: Language?

    public init(
        accountID: UUID, email: String, contactName: String, company: CompanyCard?, roles: [Role], registeredAt: Date, language: Language? = nil
    ) {
        self.language = language
        self.accountID = accountID
        self.email = email
        self.contactName = contactName
        self.company = company
        self.roles = roles
        self.registeredAt = registeredAt
    }
}

/// The user corrected their profile; `changedFields` names the API fields that changed, and the
/// event carries the contact details as they are now, so subscribers need not ask.
public struct AccountProfileChanged: EventContract {
    public static let type: MessageType = "accounts.account-profile-changed.v1"

    public var accountID: UUID
    public var changedFields: [String]
    public var email: String
    public var contactName: String
    public var company: CompanyCard?
    public var changedAt: Date
    /// Optional because events written before it was added have none (read as unchanged).
    public var language: Language?

    public init(
        accountID: UUID, changedFields: [String], email: String, contactName: String, company: CompanyCard?, changedAt: Date,
        language: Language? = nil
    ) {
        self.language = language
        self.accountID = accountID
        self.changedFields = changedFields
        self.email = email
        self.contactName = contactName
        self.company = company
        self.changedAt = changedAt
    }
}

public struct VerificationDecided: EventContract {
    public static let type: MessageType = "accounts.verification-decided.v1"

    public var accountID: UUID
    public var companyID: UUID?
    public var status: VerificationStatus
    public var record: VerificationRecord

    public init(accountID: UUID, companyID: UUID?, status: VerificationStatus, record: VerificationRecord) {
        self.accountID = accountID
        self.companyID = companyID
        self.status = status
        self.record = record
    }
}

/// A company's approval runs out soon (the configured reminder period before): marketing mails its
/// admins, who ask staff to renew it.
public struct VerificationExpiring: EventContract {
    public static let type: MessageType = "accounts.verification-expiring.v1"

    public var companyID: UUID
    public var companyName: String
    public var expiresAt: Date
    /// The company's admins, whom the reminder is for.
    public var adminAccountIDs: [UUID]

    public init(companyID: UUID, companyName: String, expiresAt: Date, adminAccountIDs: [UUID]) {
        self.companyID = companyID
        self.companyName = companyName
        self.expiresAt = expiresAt
        self.adminAccountIDs = adminAccountIDs
    }
}

/// A company's approval ran out: until staff approve it again it is not verified, so a supplier
/// publishes and quotes nothing new and its products are no longer listed.
public struct VerificationExpired: EventContract {
    public static let type: MessageType = "accounts.verification-expired.v1"

    public var companyID: UUID
    public var expiredAt: Date

    public init(companyID: UUID, expiredAt: Date) {
        self.companyID = companyID
        self.expiredAt = expiredAt
    }
}

/// A session ended before its expiry; every gateway replica forgets the token at once.
public struct SessionRevoked: EventContract {
    public static let type: MessageType = "accounts.session-revoked.v1"

    public enum Reason: String, Codable, Sendable {
        case logout
        case endedByUser = "ended-by-user"
        case passwordChanged = "password-changed"
        case accountErased = "account-erased"
        case removedFromCompany = "removed-from-company"
    }

    public var accountID: UUID
    public var sessionID: UUID
    public var reason: Reason
    public var revokedAt: Date

    public init(accountID: UUID, sessionID: UUID, reason: Reason, revokedAt: Date) {
        self.accountID = accountID
        self.sessionID = sessionID
        self.reason = reason
        self.revokedAt = revokedAt
    }
}

public struct PasswordChanged: EventContract {
    public static let type: MessageType = "accounts.password-changed.v1"

    public var accountID: UUID
    public var endedSessions: Int
    public var changedAt: Date

    public init(accountID: UUID, endedSessions: Int, changedAt: Date) {
        self.accountID = accountID
        self.endedSessions = endedSessions
        self.changedAt = changedAt
    }
}

/// An admin changed an account's roles; gateways drop what they cached about its sessions.
public struct AccountRolesChanged: EventContract {
    public static let type: MessageType = "accounts.account-roles-changed.v1"

    public var accountID: UUID
    public var roles: [Role]
    public var changedBy: UUID
    public var changedAt: Date

    public init(accountID: UUID, roles: [Role], changedBy: UUID, changedAt: Date) {
        self.accountID = accountID
        self.roles = roles
        self.changedBy = changedBy
        self.changedAt = changedAt
    }
}

/// An account was erased or cancelled at its owner's request: its personal data is gone from
/// accounts, its sessions have ended, and services that keep a copy of anything about it drop it.
public struct AccountErased: EventContract {
    public static let type: MessageType = "accounts.account-erased.v1"

    public var accountID: UUID
    public var companyID: UUID?
    public var erasedAt: Date
    /// Whether the company closed with it (it was the company's last member); optional because
    /// events written before teams have none, when every company had one member (read as true).
    public var companyClosed: Bool?

    public init(accountID: UUID, companyID: UUID?, erasedAt: Date, companyClosed: Bool) {
        self.accountID = accountID
        self.companyID = companyID
        self.erasedAt = erasedAt
        self.companyClosed = companyClosed
    }

    /// The company this erasure closed, if any.
    public var closedCompanyID: UUID? { companyClosed ?? true ? companyID : nil }
}
