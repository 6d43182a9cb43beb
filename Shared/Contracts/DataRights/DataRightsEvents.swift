import Foundation

// Events the data-rights service publishes. The contract comes ahead of the service, so the
// services that must honour it (matchmaking's statistics and recommendations) are built against it.

/// A person's cookie and personalization choices (API.md, "Consent"); `essential` is always on.
/// `subjectID` is the account id of a signed-in user, or the browser's random visitor id.
public struct ConsentChanged: EventContract {
    public static let type: MessageType = "data-rights.consent-changed.v1"

    public var subjectID: UUID
    public var analytics: Bool
    public var personalization: Bool
    public var policyVersion: String
    /// The place of `policyVersion` among the published versions (1 for the first), to compare
    /// with `PrivacyPolicyPublished.sequence`; absent in events from before it existed.
    public var policySequence: Int?
    public var changedAt: Date

    public init(subjectID: UUID, analytics: Bool, personalization: Bool, policyVersion: String, policySequence: Int? = nil, changedAt: Date) {
        self.subjectID = subjectID
        self.analytics = analytics
        self.personalization = personalization
        self.policyVersion = policyVersion
        self.policySequence = policySequence
        self.changedAt = changedAt
    }
}

/// A new version of the privacy policy is in force; a substantial one asks every signed-in user for
/// their consent again (accounts shows `consentRequired` until they choose anew).
public struct PrivacyPolicyPublished: EventContract {
    public static let type: MessageType = "data-rights.privacy-policy-published.v1"

    public var version: String
    /// Its place among the published versions (1 for the first): times travel in whole seconds,
    /// so versions are ordered by this.
    public var sequence: Int
    public var substantial: Bool
    public var publishedAt: Date

    public init(version: String, sequence: Int, substantial: Bool, publishedAt: Date) {
        self.version = version
        self.sequence = sequence
        self.substantial = substantial
        self.publishedAt = publishedAt
    }
}

/// A request staff entered waits for its subject: marketing mails the code to the account's
/// registered address. It carries the code, so the outbox forgets it once published.
public struct DataRequestVerificationRequested: EventContract {
    public static let type: MessageType = "data-rights.verification-requested.v1"
    public static let carriesSecret = true

    public var requestID: UUID
    public var accountID: UUID
    public var kind: DataRequestKind
    public var channel: RequestChannel
    public var code: String
    public var verifyBy: Date

    public init(requestID: UUID, accountID: UUID, kind: DataRequestKind, channel: RequestChannel, code: String, verifyBy: Date) {
        self.requestID = requestID
        self.accountID = accountID
        self.kind = kind
        self.channel = channel
        self.code = code
        self.verifyBy = verifyBy
    }
}

/// Staff extended a request's deadline; the subject is mailed the reason (GDPR Art. 12(3)).
public struct DataRequestExtended: EventContract {
    public static let type: MessageType = "data-rights.request-extended.v1"

    public var requestID: UUID
    public var accountID: UUID
    public var kind: DataRequestKind
    public var dueAt: Date
    public var reason: String

    public init(requestID: UUID, accountID: UUID, kind: DataRequestKind, dueAt: Date, reason: String) {
        self.requestID = requestID
        self.accountID = accountID
        self.kind = kind
        self.dueAt = dueAt
        self.reason = reason
    }
}

/// Staff corrected what a rectification request said was wrong; the subject is mailed how.
public struct DataRequestResolved: EventContract {
    public static let type: MessageType = "data-rights.request-resolved.v1"

    public var requestID: UUID
    public var accountID: UUID
    public var resolution: String

    public init(requestID: UUID, accountID: UUID, resolution: String) {
        self.requestID = requestID
        self.accountID = accountID
        self.resolution = resolution
    }
}

/// Staff denied a request under one of the policy's exceptions; the subject is mailed why.
public struct DataRequestDenied: EventContract {
    public static let type: MessageType = "data-rights.request-denied.v1"

    public var requestID: UUID
    public var accountID: UUID
    public var kind: DataRequestKind
    public var denial: DataRequestDenial

    public init(requestID: UUID, accountID: UUID, kind: DataRequestKind, denial: DataRequestDenial) {
        self.requestID = requestID
        self.accountID = accountID
        self.kind = kind
        self.denial = denial
    }
}
