import Foundation

/// What kind of company an account registers: it decides the account's business role.
public enum BusinessType: String, Codable, Sendable, CaseIterable {
    case supplier
    case purchaser
    case individualPurchaser = "individual-purchaser"
}

/// What an account may do. `purchaser` and `supplier` follow from the business type; staff roles
/// (`admin`, `marketing`, `support`) are granted by an admin or by the first-admin bootstrap.
public enum Role: String, Codable, Sendable, CaseIterable, Comparable {
    case purchaser, supplier, admin, marketing, support

    public static let staff: Set<Role> = [.admin, .marketing, .support]

    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Know-your-customer state of a company: every company starts `pending` until staff decide; its
/// members share it.
/// An approval runs out after a configured period (`expired`) until staff approve again.
public enum VerificationStatus: String, Codable, Sendable, CaseIterable {
    case pending, approved, rejected, expired
}

public enum VerificationDecision: String, Codable, Sendable, CaseIterable {
    case approve, reject

    public var status: VerificationStatus { self == .approve ? .approved : .rejected }
}

/// The last KYC decision on an account: what, why, by whom and when.
public struct VerificationRecord: Codable, Sendable, Equatable {
    public var decision: VerificationDecision
    public var reason: String?
    public var decidedBy: UUID
    public var decidedAt: Date

    public init(decision: VerificationDecision, reason: String?, decidedBy: UUID, decidedAt: Date) {
        self.decision = decision
        self.reason = reason
        self.decidedBy = decidedBy
        self.decidedAt = decidedAt
    }
}

/// What the account may do on the platform now; later services enforce these rules.
public struct Capabilities: Codable, Sendable, Equatable {
    /// Only suppliers whose company is verified may publish products.
    public var publishProducts: Bool
    /// Purchasers (verified or not) may send inquiries and purchasing requirements.
    public var sendInquiries: Bool
    /// Staff with the admin role decide verifications and grant roles.
    public var manageAccounts: Bool

    public init(roles: Set<Role>, verification: VerificationStatus) {
        publishProducts = roles.contains(.supplier) && verification == .approved
        sendInquiries = roles.contains(.purchaser)
        manageAccounts = roles.contains(.admin)
    }
}

/// The company an account belongs to, as its own user sees it.
public struct Company: Codable, Sendable, Equatable {
    public var id: UUID
    public var name: String
    public var businessType: BusinessType
    public var industry: String
    /// ISO 3166-1 alpha-2.
    public var country: String

    public init(id: UUID, name: String, businessType: BusinessType, industry: String, country: String) {
        self.id = id
        self.name = name
        self.businessType = businessType
        self.industry = industry
        self.country = country
    }
}

/// An account as its owner (or an admin) sees it: the user center.
public struct Account: Codable, Sendable, Equatable {
    public var id: UUID
    public var email: String
    /// Whether the owner confirmed the address with the link mailed to it (since its last change).
    public var emailVerified: Bool
    public var contactName: String
    public var title: String?
    public var department: String?
    public var telephone: String?
    /// The language the platform writes to them in.
    public var language: Language
    /// Nil for staff accounts, which belong to no exhibiting or purchasing company, and for a
    /// person removed from their company.
    public var company: Company?
    /// What the person may do in their company; nil without one.
    public var companyRole: CompanyRole?
    public var roles: [Role]
    public var verificationStatus: VerificationStatus
    public var verification: VerificationRecord?
    /// When the company's approval runs out unless staff renew it; nil without one.
    public var verifiedUntil: Date?
    /// No cookie choice yet, or a substantial privacy-policy change since the last one: the
    /// frontend asks again (`PUT /v1/me/consents`).
    public var consentRequired: Bool
    public var capabilities: Capabilities
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: UUID, email: String, emailVerified: Bool, contactName: String, title: String?, department: String?, telephone: String?,
        language: Language, company: Company?, companyRole: CompanyRole?, roles: [Role], verificationStatus: VerificationStatus,
        verification: VerificationRecord?, verifiedUntil: Date?, consentRequired: Bool, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.email = email
        self.emailVerified = emailVerified
        self.contactName = contactName
        self.title = title
        self.department = department
        self.telephone = telephone
        self.language = language
        self.company = company
        self.companyRole = companyRole
        self.roles = roles
        self.verificationStatus = verificationStatus
        self.verification = verification
        self.verifiedUntil = verifiedUntil
        self.consentRequired = consentRequired
        self.capabilities = Capabilities(roles: Set(roles), verification: verificationStatus)
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// The public card of a company: what any visitor may see, without personal data.
public struct CompanyCard: Codable, Sendable, Equatable {
    public var id: UUID
    public var name: String
    public var businessType: BusinessType
    public var industry: String
    public var country: String
    public var verified: Bool
    /// Verified under an earlier approval while a change of the company's name or country is
    /// reviewed again; optional because events written before it have none (read as false).
    public var underReview: Bool?

    public init(
        id: UUID, name: String, businessType: BusinessType, industry: String, country: String, verified: Bool, underReview: Bool? = nil
    ) {
        self.id = id
        self.name = name
        self.businessType = businessType
        self.industry = industry
        self.country = country
        self.verified = verified
        self.underReview = underReview
    }
}

/// One of the caller's active sessions (a signed-in device).
public struct SessionInfo: Codable, Sendable, Equatable {
    public var id: UUID
    public var createdAt: Date
    public var lastSeenAt: Date
    public var expiresAt: Date
    public var ip: String?
    public var userAgent: String?
    /// The session the request itself came with.
    public var current: Bool

    public init(id: UUID, createdAt: Date, lastSeenAt: Date, expiresAt: Date, ip: String?, userAgent: String?, current: Bool) {
        self.id = id
        self.createdAt = createdAt
        self.lastSeenAt = lastSeenAt
        self.expiresAt = expiresAt
        self.ip = ip
        self.userAgent = userAgent
        self.current = current
    }
}

/// One attempt on the caller's password: a sign-in, or the current password given to change
/// the password or the email (or to confirm a data request) through a session.
public struct LoginRecord: Codable, Sendable, Equatable {
    public enum Outcome: String, Codable, Sendable {
        case succeeded
        case invalidCredentials = "invalid-credentials"
        case accountLocked = "account-locked"
    }

    public enum Check: String, Codable, Sendable {
        case signIn = "sign-in"
        case currentPassword = "current-password"
    }

    public var occurredAt: Date
    public var ip: String?
    public var userAgent: String?
    public var succeeded: Bool
    public var outcome: Outcome
    public var check: Check

    public init(occurredAt: Date, ip: String?, userAgent: String?, outcome: Outcome, check: Check) {
        self.occurredAt = occurredAt
        self.ip = ip
        self.userAgent = userAgent
        self.succeeded = outcome == .succeeded
        self.outcome = outcome
        self.check = check
    }
}

/// Who is signing in from where, as the gateway saw the HTTP request.
public struct ClientInfo: Codable, Sendable, Equatable {
    public var ip: String?
    public var userAgent: String?

    public init(ip: String?, userAgent: String?) {
        self.ip = ip
        self.userAgent = userAgent
    }
}
