import Foundation

// Events the matchmaking service publishes on `expo.events` through its outbox: messaging
// notifies the companies they name, marketing keeps follows and activity as audience signals.

/// An RFQ was posted and sent to the suppliers it matched.
public struct RFQPosted: EventContract {
    public static let type: MessageType = "matchmaking.rfq-posted.v1"

    public var rfqID: UUID
    public var buyerCompanyID: UUID
    public var categoryID: String
    public var destinationCountry: String
    public var deadline: Date
    public var matchedCompanyIDs: [UUID]
    /// Optional because events written before they were added have neither.
    public var title: String?
    public var postedAt: Date?

    public init(
        rfqID: UUID, buyerCompanyID: UUID, categoryID: String, destinationCountry: String, deadline: Date, matchedCompanyIDs: [UUID],
        title: String?, postedAt: Date?
    ) {
        self.rfqID = rfqID
        self.title = title
        self.postedAt = postedAt
        self.buyerCompanyID = buyerCompanyID
        self.categoryID = categoryID
        self.destinationCountry = destinationCountry
        self.deadline = deadline
        self.matchedCompanyIDs = matchedCompanyIDs
    }
}

/// An RFQ reached its deadline while open: it takes no more quotes. Published once, whatever the
/// number of replicas.
public struct RFQExpired: EventContract {
    public static let type: MessageType = "matchmaking.rfq-expired.v1"

    public var rfqID: UUID
    public var buyerCompanyID: UUID
    public var expiredAt: Date

    public init(rfqID: UUID, buyerCompanyID: UUID, expiredAt: Date) {
        self.rfqID = rfqID
        self.buyerCompanyID = buyerCompanyID
        self.expiredAt = expiredAt
    }
}

/// A supplier quoted on an RFQ (the buyer is told "quote received").
public struct QuoteSubmitted: EventContract {
    public static let type: MessageType = "matchmaking.quote-submitted.v1"

    public var quoteID: UUID
    public var rfqID: UUID
    public var buyerCompanyID: UUID
    public var supplierCompanyID: UUID
    public var submittedAt: Date

    public init(quoteID: UUID, rfqID: UUID, buyerCompanyID: UUID, supplierCompanyID: UUID, submittedAt: Date) {
        self.quoteID = quoteID
        self.rfqID = rfqID
        self.buyerCompanyID = buyerCompanyID
        self.supplierCompanyID = supplierCompanyID
        self.submittedAt = submittedAt
    }
}

/// The buyer accepted or declined a quote (its supplier is told).
public struct QuoteDecided: EventContract {
    public static let type: MessageType = "matchmaking.quote-decided.v1"

    public var quoteID: UUID
    public var rfqID: UUID
    public var supplierCompanyID: UUID
    public var status: QuoteStatus
    public var decidedAt: Date

    public init(quoteID: UUID, rfqID: UUID, supplierCompanyID: UUID, status: QuoteStatus, decidedAt: Date) {
        self.quoteID = quoteID
        self.rfqID = rfqID
        self.supplierCompanyID = supplierCompanyID
        self.status = status
        self.decidedAt = decidedAt
    }
}

/// Someone started following an exhibitor or a product (marketing's audience "followers of").
public struct TargetFollowed: EventContract {
    public static let type: MessageType = "matchmaking.target-followed.v1"

    public var accountID: UUID
    public var kind: FollowKind
    public var targetID: UUID
    /// The exhibitor: the target itself, or the product's company.
    public var companyID: UUID
    public var followedAt: Date

    public init(accountID: UUID, kind: FollowKind, targetID: UUID, companyID: UUID, followedAt: Date) {
        self.accountID = accountID
        self.kind = kind
        self.targetID = targetID
        self.companyID = companyID
        self.followedAt = followedAt
    }
}

/// Someone stopped following an exhibitor or a product.
public struct TargetUnfollowed: EventContract {
    public static let type: MessageType = "matchmaking.target-unfollowed.v1"

    public var accountID: UUID
    public var kind: FollowKind
    public var targetID: UUID
    public var unfollowedAt: Date

    public init(accountID: UUID, kind: FollowKind, targetID: UUID, unfollowedAt: Date) {
        self.accountID = accountID
        self.kind = kind
        self.targetID = targetID
        self.unfollowedAt = unfollowedAt
    }
}

/// A signed-in person's first visit or search of a day (UTC) was recorded: at most one a day each,
/// and none while their processing is restricted (marketing's audience "active within").
public struct ActivityRecorded: EventContract {
    public static let type: MessageType = "matchmaking.activity-recorded.v1"

    public var accountID: UUID
    public var activeAt: Date

    public init(accountID: UUID, activeAt: Date) {
        self.accountID = accountID
        self.activeAt = activeAt
    }
}
