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
    public var changedAt: Date

    public init(subjectID: UUID, analytics: Bool, personalization: Bool, policyVersion: String, changedAt: Date) {
        self.subjectID = subjectID
        self.analytics = analytics
        self.personalization = personalization
        self.policyVersion = policyVersion
        self.changedAt = changedAt
    }
}
