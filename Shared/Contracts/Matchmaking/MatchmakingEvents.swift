import Foundation

// Events the matchmaking service publishes on `expo.events` through its outbox; messaging and
// marketing will notify the companies they name.

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
