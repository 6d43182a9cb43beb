import Foundation

/// The rights a person exercises through `POST /v1/me/data-requests`.
public enum DataRequestKind: String, Codable, Sendable, CaseIterable {
    case access, rectification, erasure, cancellation, restriction, objection, portability
    case withdrawConsent = "withdraw-consent"
}

/// Where a request stands. `waiting-for-services` means a service has not answered yet and is
/// being asked again; `partially-completed` that some part is postponed (a legal hold), with the
/// reason.
public enum DataRequestStatus: String, Codable, Sendable, CaseIterable {
    case unverified
    case inProgress = "in-progress"
    case waitingForServices = "waiting-for-services"
    case completed
    case partiallyCompleted = "partially-completed"
    case denied, cancelled, expired

    public var isOpen: Bool { [.unverified, .inProgress, .waitingForServices].contains(self) }
    /// The statutory clock runs once the identity is verified, until the request closes.
    public var runsClock: Bool { self == .inProgress || self == .waitingForServices }
}

/// A restriction of processing or an objection that stands for a person, or is on its way in or
/// out: what `DELETE /v1/me/restrictions/{scope}` can lift.
public struct StandingRestriction: Codable, Sendable, Equatable {
    public enum State: String, Codable, Sendable {
        /// Every service was told, or the request that asked for it is still telling them.
        case inForce = "in-force", beingApplied = "being-applied"
        /// A request that lifts it is telling the services.
        case beingLifted = "being-lifted"
    }

    /// `restriction`, or the objection's scope.
    public var scope: String
    public var state: State
    /// When the request that made it stand was received.
    public var since: Date
    /// That request.
    public var requestID: UUID

    public init(scope: String, state: State, since: Date, requestID: UUID) {
        self.scope = scope
        self.state = state
        self.since = since
        self.requestID = requestID
    }
}

/// One service's part of a request.
public struct DataRequestPart: Codable, Sendable, Equatable {
    public enum State: String, Codable, Sendable {
        /// Not asked yet, or asked again after no answer (`attempts` counts the tries).
        case pending
        /// Waits for the other services first (the account is erased last).
        case waiting
        case done, postponed, cancelled
    }

    public var service: ServiceName
    public var state: State
    /// Why a part is postponed: what the law or a hold requires.
    public var reason: String?
    public var attempts: Int
    public var answeredAt: Date?

    public init(service: ServiceName, state: State, reason: String?, attempts: Int, answeredAt: Date?) {
        self.service = service
        self.state = state
        self.reason = reason
        self.attempts = attempts
        self.answeredAt = answeredAt
    }
}

/// A data-subject request as its subject sees it.
public struct DataRequest: Codable, Sendable, Equatable {
    public var id: UUID
    /// Whose request it is.
    public var accountID: UUID
    public var kind: DataRequestKind
    /// The objection's scope.
    public var scope: ObjectionScope?
    /// A request that lifts a restriction or takes an objection back.
    public var lifting: Bool
    public var status: DataRequestStatus
    public var receivedAt: Date
    /// One calendar month after receipt (GDPR Art. 12(3)), or after the identity was verified for a
    /// request staff entered, or later when staff extended it.
    public var dueAt: Date
    /// Why staff extended the deadline, which the person is shown.
    public var extensionReason: String?
    /// False while the clock is paused: an unverified request is never overdue.
    public var overdue: Bool
    public var channel: RequestChannel
    /// Until when an unverified request can be confirmed with its mailed code.
    public var verifyBy: Date?
    public var denial: DataRequestDenial?
    /// How staff corrected what a rectification request said was wrong.
    public var resolution: String?
    public var completedAt: Date?
    public var parts: [DataRequestPart]
    /// Until when the export of an access or portability request can be downloaded.
    public var exportAvailableUntil: Date?

    public init(
        id: UUID, accountID: UUID, kind: DataRequestKind, scope: ObjectionScope?, lifting: Bool, status: DataRequestStatus, receivedAt: Date,
        dueAt: Date, extensionReason: String?, overdue: Bool, channel: RequestChannel, verifyBy: Date?, denial: DataRequestDenial?,
        resolution: String?, completedAt: Date?, parts: [DataRequestPart], exportAvailableUntil: Date?
    ) {
        self.resolution = resolution
        self.channel = channel
        self.verifyBy = verifyBy
        self.denial = denial
        self.id = id
        self.accountID = accountID
        self.extensionReason = extensionReason
        self.kind = kind
        self.scope = scope
        self.lifting = lifting
        self.status = status
        self.receivedAt = receivedAt
        self.dueAt = dueAt
        self.overdue = overdue
        self.completedAt = completedAt
        self.parts = parts
        self.exportAvailableUntil = exportAvailableUntil
    }
}

/// A downloadable file: the gateway answers it with its media type instead of JSON.
public struct DownloadedFile: Codable, Sendable, Equatable {
    public var fileName: String
    public var contentType: String
    public var data: Data

    public init(fileName: String, contentType: String, data: Data) {
        self.fileName = fileName
        self.contentType = contentType
        self.data = data
    }
}
