import Foundation

/// A disclosure of a person's data to a third party (the policy's "sharing"): to whom, why, on
/// which legal basis, which kinds of data. The person sees each one, and every export lists them.
public struct Disclosure: Codable, Sendable, Equatable {
    public var id: UUID
    public var accountID: UUID
    public var recipient: String
    public var purpose: String
    public var legalBasis: String
    public var dataCategories: [String]
    public var disclosedAt: Date
    /// The staff member who recorded it; only staff see it.
    public var recordedBy: UUID?

    public init(
        id: UUID, accountID: UUID, recipient: String, purpose: String, legalBasis: String, dataCategories: [String], disclosedAt: Date,
        recordedBy: UUID?
    ) {
        self.id = id
        self.accountID = accountID
        self.recipient = recipient
        self.purpose = purpose
        self.legalBasis = legalBasis
        self.dataCategories = dataCategories
        self.disclosedAt = disclosedAt
        self.recordedBy = recordedBy
    }
}

public struct DisclosureList: Codable, Sendable, Equatable {
    public var items: [Disclosure]

    public init(items: [Disclosure]) { self.items = items }
}

/// `POST /v1/admin/disclosures`: staff record a disclosure they made.
public struct RecordDisclosure: RequestContract {
    public typealias Reply = Disclosure
    public static let type: MessageType = "data-rights.record-disclosure.v1"
    public static let access = Access.role(.admin)

    public var accountID: UUID?
    public var recipient: String?
    public var purpose: String?
    public var legalBasis: String?
    public var dataCategories: [String]?

    public init(accountID: UUID?, recipient: String?, purpose: String?, legalBasis: String?, dataCategories: [String]?) {
        self.accountID = accountID
        self.recipient = recipient
        self.purpose = purpose
        self.legalBasis = legalBasis
        self.dataCategories = dataCategories
    }
}

/// `GET /v1/me/disclosures`: what was disclosed about the caller, newest first.
public struct ListMyDisclosures: RequestContract {
    public typealias Reply = DisclosureList
    public static let type: MessageType = "data-rights.list-my-disclosures.v1"
    public static let access = Access.signedIn

    public init() {}
}
