import Foundation

// Cookie choices and the privacy policy they were made under (API.md, "Consent").

/// A published version of the privacy policy.
public struct PrivacyPolicy: Codable, Sendable, Equatable {
    public var version: String
    public var lastUpdated: Date
    /// A substantial change asks signed-in users for their consent again.
    public var substantial: Bool
    public var summary: String?

    public init(version: String, lastUpdated: Date, substantial: Bool, summary: String?) {
        self.version = version
        self.lastUpdated = lastUpdated
        self.substantial = substantial
        self.summary = summary
    }
}

/// A person's or a browser's cookie choices. `essential` is always on.
public struct ConsentRecord: Codable, Sendable, Equatable {
    public var subjectID: UUID
    public var essential: Bool
    public var analytics: Bool
    public var personalization: Bool
    /// The policy version the choices were made under; nil before any choice.
    public var policyVersion: String?
    public var changedAt: Date?
    /// No choice yet, or a substantial policy change since the last one.
    public var consentRequired: Bool

    public init(subjectID: UUID, analytics: Bool, personalization: Bool, policyVersion: String?, changedAt: Date?, consentRequired: Bool) {
        self.subjectID = subjectID
        self.essential = true
        self.analytics = analytics
        self.personalization = personalization
        self.policyVersion = policyVersion
        self.changedAt = changedAt
        self.consentRequired = consentRequired
    }
}

/// `GET /v1/privacy-policy`: the version in force.
public struct GetPrivacyPolicy: RequestContract {
    public typealias Reply = PrivacyPolicy
    public static let type: MessageType = "data-rights.get-privacy-policy.v1"
    public static let access = Access.anyone

    public init() {}
}

/// `POST /v1/admin/privacy-policy`: staff publish a new version.
public struct PublishPrivacyPolicy: RequestContract {
    public typealias Reply = PrivacyPolicy
    public static let type: MessageType = "data-rights.publish-privacy-policy.v1"
    public static let access = Access.role(.admin)

    public var version: String?
    public var summary: String?
    public var substantial: Bool?

    public init(version: String?, summary: String?, substantial: Bool?) {
        self.version = version
        self.summary = summary
        self.substantial = substantial
    }
}

/// `PUT /v1/consents/{visitorId}` (a browser, no sign-in) or `PUT /v1/me/consents` (the signed-in
/// person; a `visitorID` in the body merges that browser's record into the account's).
public struct SetConsent: RequestContract {
    public typealias Reply = ConsentRecord
    public static let type: MessageType = "data-rights.set-consent.v1"
    public static let access = Access.anyone

    /// The browser's random id on `PUT /v1/consents/{visitorId}`; nil for the signed-in person.
    public var visitorID: UUID?
    /// The browser whose record the signed-in person's replaces.
    public var mergeVisitorID: UUID?
    public var essential: Bool?
    public var analytics: Bool?
    public var personalization: Bool?
    public var policyVersion: String?

    public init(
        visitorID: UUID?, mergeVisitorID: UUID? = nil, essential: Bool? = nil, analytics: Bool?, personalization: Bool?, policyVersion: String?
    ) {
        self.visitorID = visitorID
        self.mergeVisitorID = mergeVisitorID
        self.essential = essential
        self.analytics = analytics
        self.personalization = personalization
        self.policyVersion = policyVersion
    }
}

/// `GET /v1/me/consents`: the signed-in person's choices and whether the policy asks again.
public struct GetMyConsent: RequestContract {
    public typealias Reply = ConsentRecord
    public static let type: MessageType = "data-rights.get-my-consent.v1"
    public static let access = Access.signedIn

    public init() {}
}
