import Foundation

/// `GET /v1/me/history`: the caller's own online records, newest first.
public struct GetHistory: RequestContract {
    public typealias Reply = History
    public static let type: MessageType = "matchmaking.get-history.v1"
    public static let access = Access.signedIn

    public init() {}
}

/// `DELETE /v1/me/history`: clears every visit and search of the caller.
public struct ClearHistory: RequestContract {
    public typealias Reply = NoContent
    public static let type: MessageType = "matchmaking.clear-history.v1"
    public static let access = Access.signedIn

    public init() {}
}

/// `POST /v1/me/history/visits`: the frontend reports how long the caller stayed on a page it
/// visited within the last hour.
public struct ReportVisitDuration: RequestContract {
    public typealias Reply = NoContent
    public static let type: MessageType = "matchmaking.report-visit-duration.v1"
    public static let access = Access.signedIn

    public var kind: String?
    public var id: String?
    public var durationSeconds: Int?

    public init(kind: String?, id: String?, durationSeconds: Int?) {
        self.kind = kind
        self.id = id
        self.durationSeconds = durationSeconds
    }
}

/// `GET /v1/me/buyer-interest`: the purchaser companies that viewed or followed the supplier's
/// catalogue in the last 90 days, as company cards.
public struct GetBuyerInterest: RequestContract {
    public typealias Reply = BuyerInterest
    public static let type: MessageType = "matchmaking.get-buyer-interest.v1"
    public static let access = Access.role(.supplier)

    public init() {}
}

/// `GET /v1/me/recommendations`.
public struct GetRecommendations: RequestContract {
    public typealias Reply = Recommendations
    public static let type: MessageType = "matchmaking.get-recommendations.v1"
    public static let access = Access.signedIn

    public init() {}
}

/// `GET /v1/admin/statistics?from=&to=`: de-identified aggregates for staff.
public struct GetStatistics: RequestContract {
    public typealias Reply = Statistics
    public static let type: MessageType = "matchmaking.get-statistics.v1"
    public static let access = Access.role(.admin)

    public var from: String?
    public var to: String?

    public init(from: String?, to: String?) {
        self.from = from
        self.to = to
    }
}
