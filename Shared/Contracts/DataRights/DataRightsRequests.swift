import Foundation

// Requests the data-rights service answers on `data-rights.rpc`.

/// `POST /v1/me/data-requests`: the signed-in person exercises a right; the password confirms it.
public struct CreateDataRequest: RequestContract {
    public typealias Reply = DataRequest
    public static let type: MessageType = "data-rights.create-request.v1"
    public static let access = Access.signedIn

    public var kind: String?
    /// For an objection: `direct-marketing`, `profiling` or `legitimate-interest`.
    public var scope: String?
    public var details: String?
    public var password: String?

    public init(kind: String?, scope: String? = nil, details: String? = nil, password: String?) {
        self.kind = kind
        self.scope = scope
        self.details = details
        self.password = password
    }
}

/// `GET /v1/me/data-requests`: the caller's requests, newest first.
public struct ListDataRequests: RequestContract {
    public typealias Reply = Page<DataRequest>
    public static let type: MessageType = "data-rights.list-requests.v1"
    public static let access = Access.signedIn

    public var page: PageRequest

    public init(page: PageRequest = PageRequest()) { self.page = page }
}

/// `GET /v1/me/data-requests/{id}`: one of the caller's, with each service's part.
public struct GetDataRequest: RequestContract {
    public typealias Reply = DataRequest
    public static let type: MessageType = "data-rights.get-request.v1"
    public static let access = Access.signedIn

    public var requestID: UUID

    public init(requestID: UUID) { self.requestID = requestID }
}

/// `POST /v1/me/data-requests/{id}/cancel`: while open; parts already answered stay done.
public struct CancelDataRequest: RequestContract {
    public typealias Reply = DataRequest
    public static let type: MessageType = "data-rights.cancel-request.v1"
    public static let access = Access.signedIn

    public var requestID: UUID

    public init(requestID: UUID) { self.requestID = requestID }
}

/// `GET /v1/me/exports/{requestId}`: the zip of a completed access or portability request.
public struct DownloadExport: RequestContract {
    public typealias Reply = DownloadedFile
    public static let type: MessageType = "data-rights.download-export.v1"
    public static let access = Access.signedIn

    public var requestID: UUID

    public init(requestID: UUID) { self.requestID = requestID }
}

/// `GET /v1/me/restrictions`: the caller's standing restriction and objections.
public struct ListStandingRestrictions: RequestContract {
    public typealias Reply = StandingRestrictions
    public static let type: MessageType = "data-rights.list-standing-restrictions.v1"
    public static let access = Access.signedIn

    public init() {}
}

public struct StandingRestrictions: Codable, Sendable, Equatable {
    public var items: [StandingRestriction]

    public init(items: [StandingRestriction]) { self.items = items }
}

/// `DELETE /v1/me/restrictions/{scope}`: lifts the restriction (`restriction`) or takes back an
/// objection (its scope), in every service.
public struct LiftRestriction: RequestContract {
    public typealias Reply = DataRequest
    public static let type: MessageType = "data-rights.lift-restriction.v1"
    public static let access = Access.signedIn

    public var scope: String

    public init(scope: String) { self.scope = scope }
}

/// `GET /v1/admin/data-requests?status=&overdue=`: staff see every request, oldest due first, with
/// the services that have not answered yet.
public struct ListDataRequestQueue: RequestContract {
    public typealias Reply = Page<DataRequest>
    public static let type: MessageType = "data-rights.list-queue.v1"
    public static let access = Access.oneOf([.support, .admin])

    public var status: String?
    public var overdue: String?
    public var page: PageRequest

    public init(status: String? = nil, overdue: String? = nil, page: PageRequest = PageRequest()) {
        self.status = status
        self.overdue = overdue
        self.page = page
    }
}

/// `POST /v1/admin/data-requests/{id}/extension`: staff move an open request's deadline, at most
/// two further months past the first, with a reason the person is shown.
public struct ExtendDataRequest: RequestContract {
    public typealias Reply = DataRequest
    public static let type: MessageType = "data-rights.extend-request.v1"
    public static let access = Access.oneOf([.support, .admin])

    public var requestID: UUID
    public var reason: String?
    public var newDueAt: String?

    public init(requestID: UUID, reason: String?, newDueAt: String?) {
        self.requestID = requestID
        self.reason = reason
        self.newDueAt = newDueAt
    }
}

/// `GET /v1/admin/audit-trail?from=&to=`: every step of every request in a period, as CSV for an
/// auditor (who, what, when, which service), oldest first.
public struct ExportAuditTrail: RequestContract {
    public typealias Reply = DownloadedFile
    public static let type: MessageType = "data-rights.export-audit-trail.v1"
    public static let access = Access.role(.admin)

    public var from: String?
    public var to: String?

    public init(from: String?, to: String?) {
        self.from = from
        self.to = to
    }
}
