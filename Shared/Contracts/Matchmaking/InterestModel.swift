import Foundation

// Online records (the person's own visits and searches), the buyer interest suppliers see,
// recommendations and the staff's de-identified statistics.

public struct Visit: Codable, Sendable, Equatable {
    public var kind: FollowKind
    public var id: UUID
    public var name: String
    public var visitedAt: Date
    public var durationSeconds: Int?

    public init(kind: FollowKind, id: UUID, name: String, visitedAt: Date, durationSeconds: Int?) {
        self.kind = kind
        self.id = id
        self.name = name
        self.visitedAt = visitedAt
        self.durationSeconds = durationSeconds
    }
}

public struct SearchRecord: Codable, Sendable, Equatable {
    public var query: String
    public var kind: SearchKind
    public var searchedAt: Date

    public init(query: String, kind: SearchKind, searchedAt: Date) {
        self.query = query
        self.kind = kind
        self.searchedAt = searchedAt
    }
}

public struct History: Codable, Sendable, Equatable {
    public var visits: [Visit]
    public var searches: [SearchRecord]

    public init(visits: [Visit], searches: [SearchRecord]) {
        self.visits = visits
        self.searches = searches
    }
}

/// A purchaser company that looked at or followed the supplier's catalogue: its card only.
public struct InterestedBuyer: Codable, Sendable, Equatable {
    public var companyID: UUID
    public var name: String
    public var businessType: String
    public var country: String
    public var verified: Bool
    public var views: Int
    public var follows: Int
    public var lastSeenAt: Date

    public init(companyID: UUID, name: String, businessType: String, country: String, verified: Bool, views: Int, follows: Int, lastSeenAt: Date) {
        self.companyID = companyID
        self.name = name
        self.businessType = businessType
        self.country = country
        self.verified = verified
        self.views = views
        self.follows = follows
        self.lastSeenAt = lastSeenAt
    }
}

public struct BuyerInterest: Codable, Sendable, Equatable {
    public var items: [InterestedBuyer]

    public init(items: [InterestedBuyer]) { self.items = items }
}

public enum RecommendationKind: String, Codable, Sendable, CaseIterable {
    case product, rfq
}

public struct Recommendation: Codable, Sendable, Equatable {
    public var kind: RecommendationKind
    public var id: UUID
    public var name: String
    public var reason: String

    public init(kind: RecommendationKind, id: UUID, name: String, reason: String) {
        self.kind = kind
        self.id = id
        self.name = name
        self.reason = reason
    }
}

public struct Recommendations: Codable, Sendable, Equatable {
    /// False when the person objected to profiling or refused personalization: then there are none.
    public var personalized: Bool
    public var items: [Recommendation]

    public init(personalized: Bool, items: [Recommendation]) {
        self.personalized = personalized
        self.items = items
    }
}

public struct PageViews: Codable, Sendable, Equatable {
    public var kind: FollowKind
    public var id: UUID
    public var name: String
    public var views: Int

    public init(kind: FollowKind, id: UUID, name: String, views: Int) {
        self.kind = kind
        self.id = id
        self.name = name
        self.views = views
    }
}

public struct SearchCount: Codable, Sendable, Equatable {
    public var query: String
    public var count: Int

    public init(query: String, count: Int) {
        self.query = query
        self.count = count
    }
}

/// Counts only, over visitors whose analytics consent allows it; no account ids.
public struct Statistics: Codable, Sendable, Equatable {
    public var from: Date
    public var to: Date
    public var visitors: Int
    public var sessions: Int
    public var topPages: [PageViews]
    /// Only queries at least `Statistics.minimumSearchers` different visitors searched, so none points at one person.
    public var topSearches: [SearchCount]

    public static let minimumSearchers = 3

    public init(from: Date, to: Date, visitors: Int, sessions: Int, topPages: [PageViews], topSearches: [SearchCount]) {
        self.from = from
        self.to = to
        self.visitors = visitors
        self.sessions = sessions
        self.topPages = topPages
        self.topSearches = topSearches
    }
}
