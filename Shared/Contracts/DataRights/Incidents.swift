import Foundation

// Security incidents (the policy's "security" section; API.md, "Incidents"): what happened, whom
// it touched, what was done and what people should do, the regulator's 72 hours, and the notices.

/// Whom an incident touched: named accounts get a notice each; `criteria` describes a group too
/// large or too vague to tell one by one, which every user is shown as an announcement.
public struct IncidentAffected: Codable, Sendable, Equatable {
    public var accountIDs: [UUID]?
    public var criteria: String?

    public init(accountIDs: [UUID]? = nil, criteria: String? = nil) {
        self.accountIDs = accountIDs
        self.criteria = criteria
    }
}

/// Whether the supervisory authority is notified, decided within 72 hours of discovery (GDPR
/// Art. 33), with the reason; `late` when it was decided after that.
public struct RegulatorDecision: Codable, Sendable, Equatable {
    public var notify: Bool
    public var reason: String
    public var decidedAt: Date
    public var late: Bool

    public init(notify: Bool, reason: String, decidedAt: Date, late: Bool) {
        self.notify = notify
        self.reason = reason
        self.decidedAt = decidedAt
        self.late = late
    }
}

/// An incident as staff see it.
public struct Incident: Codable, Sendable, Equatable {
    public var id: UUID
    public var title: String
    public var description: String
    public var discoveredAt: Date
    public var recordedAt: Date
    /// The affected accounts still on record (an erased person's notice goes with them) and the criteria.
    public var affected: IncidentAffected
    public var measures: String
    public var advice: String
    /// 72 hours after discovery.
    public var regulatorDueAt: Date
    public var regulatorDecision: RegulatorDecision?
    /// Past the 72 hours without a decision.
    public var overdue: Bool
    /// When the affected were told; nil before.
    public var notifiedAt: Date?

    public init(
        id: UUID, title: String, description: String, discoveredAt: Date, recordedAt: Date, affected: IncidentAffected, measures: String, advice: String,
        regulatorDueAt: Date, regulatorDecision: RegulatorDecision?, overdue: Bool, notifiedAt: Date?
    ) {
        self.id = id
        self.title = title
        self.description = description
        self.discoveredAt = discoveredAt
        self.recordedAt = recordedAt
        self.affected = affected
        self.measures = measures
        self.advice = advice
        self.regulatorDueAt = regulatorDueAt
        self.regulatorDecision = regulatorDecision
        self.overdue = overdue
        self.notifiedAt = notifiedAt
    }
}

/// What a person is told about an incident: their own notice, or an announcement to everyone.
public struct SecurityNotice: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        case individual, announcement
    }

    public var incidentID: UUID
    public var kind: Kind
    public var title: String
    public var description: String
    public var measures: String
    public var advice: String
    public var discoveredAt: Date
    public var issuedAt: Date

    public init(incidentID: UUID, kind: Kind, title: String, description: String, measures: String, advice: String, discoveredAt: Date, issuedAt: Date) {
        self.incidentID = incidentID
        self.kind = kind
        self.title = title
        self.description = description
        self.measures = measures
        self.advice = advice
        self.discoveredAt = discoveredAt
        self.issuedAt = issuedAt
    }
}

/// `POST /v1/admin/incidents`: staff record an incident as soon as it is discovered.
public struct RecordIncident: RequestContract {
    public typealias Reply = Incident
    public static let type: MessageType = "data-rights.record-incident.v1"
    public static let access = Access.role(.admin)

    public var title: String?
    public var discoveredAt: String?
    public var description: String?
    public var affected: IncidentAffected?
    public var measures: String?
    public var advice: String?

    public init(title: String?, discoveredAt: String?, description: String?, affected: IncidentAffected?, measures: String?, advice: String?) {
        self.title = title
        self.discoveredAt = discoveredAt
        self.description = description
        self.affected = affected
        self.measures = measures
        self.advice = advice
    }
}

/// `GET /v1/admin/incidents`: every incident, the regulator's deadline soonest first among the undecided.
public struct ListIncidents: RequestContract {
    public typealias Reply = Page<Incident>
    public static let type: MessageType = "data-rights.list-incidents.v1"
    public static let access = Access.role(.admin)

    public var page: PageRequest

    public init(page: PageRequest = PageRequest()) { self.page = page }
}

/// `POST /v1/admin/incidents/{id}/notifications`: every affected person is mailed (whatever their
/// marketing choices) and told live; the criteria become an announcement. Once per incident.
public struct NotifyIncident: RequestContract {
    public typealias Reply = Incident
    public static let type: MessageType = "data-rights.notify-incident.v1"
    public static let access = Access.role(.admin)

    public var incidentID: UUID

    public init(incidentID: UUID) { self.incidentID = incidentID }
}

/// `POST /v1/admin/incidents/{id}/regulator-decision`: whether the supervisory authority is told,
/// and why; once per incident.
public struct DecideRegulatorNotification: RequestContract {
    public typealias Reply = Incident
    public static let type: MessageType = "data-rights.decide-regulator-notification.v1"
    public static let access = Access.role(.admin)

    public var incidentID: UUID
    public var notify: Bool?
    public var reason: String?

    public init(incidentID: UUID, notify: Bool?, reason: String?) {
        self.incidentID = incidentID
        self.notify = notify
        self.reason = reason
    }
}

/// `GET /v1/me/notices`: the incidents the caller was told about, and the announcements, newest first.
public struct ListMyNotices: RequestContract {
    public typealias Reply = Page<SecurityNotice>
    public static let type: MessageType = "data-rights.list-my-notices.v1"
    public static let access = Access.signedIn

    public var page: PageRequest

    public init(page: PageRequest = PageRequest()) { self.page = page }
}

/// One affected person is to be told of an incident: marketing mails them (transactional, whatever
/// their marketing choices) and messaging notifies them live.
public struct SecurityNoticeIssued: EventContract {
    public static let type: MessageType = "data-rights.security-notice-issued.v1"

    public var accountID: UUID
    public var notice: SecurityNotice

    public init(accountID: UUID, notice: SecurityNotice) {
        self.accountID = accountID
        self.notice = notice
    }
}
