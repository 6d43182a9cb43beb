import Foundation

/// The fields of an RFQ as a purchaser sends them.
public struct RFQFields: Codable, Sendable, Equatable {
    public struct Amount: Codable, Sendable, Equatable {
        public var amount: Double?
        public var unit: String?

        public init(amount: Double?, unit: String?) {
            self.amount = amount
            self.unit = unit
        }
    }

    public struct Price: Codable, Sendable, Equatable {
        public var amount: Double?
        public var currency: String?

        public init(amount: Double?, currency: String?) {
            self.amount = amount
            self.currency = currency
        }
    }

    public var title: String?
    public var categoryID: String?
    public var description: String?
    public var quantity: Amount?
    public var targetPrice: Price?
    public var destinationCountry: String?
    /// ISO 8601, e.g. `2027-03-01T12:00:00Z`.
    public var deadline: String?

    public init(
        title: String?, categoryID: String?, description: String? = nil, quantity: Amount?, targetPrice: Price? = nil,
        destinationCountry: String?, deadline: String?
    ) {
        self.title = title
        self.categoryID = categoryID
        self.description = description
        self.quantity = quantity
        self.targetPrice = targetPrice
        self.destinationCountry = destinationCountry
        self.deadline = deadline
    }
}

/// `POST /v1/rfqs`: a purchaser posts a purchasing requirement; it is sent to the matching suppliers.
public struct PostRFQ: RequestContract {
    public typealias Reply = RFQ
    public static let type: MessageType = "matchmaking.post-rfq.v1"
    public static let access = Access.role(.purchaser)

    public var fields: RFQFields

    public init(fields: RFQFields) { self.fields = fields }
}

/// `GET /v1/rfqs/{id}`: its buyer, and the suppliers it was matched to.
public struct GetRFQ: RequestContract {
    public typealias Reply = RFQ
    public static let type: MessageType = "matchmaking.get-rfq.v1"
    public static let access = Access.signedIn

    public var rfqID: UUID

    public init(rfqID: UUID) { self.rfqID = rfqID }
}

/// `GET /v1/rfqs?mine=true` (the caller's company's own) or `GET /v1/rfqs` (a supplier: the open
/// RFQs matched to it), newest first.
public struct ListRFQs: RequestContract {
    public typealias Reply = Page<RFQ>
    public static let type: MessageType = "matchmaking.list-rfqs.v1"
    public static let access = Access.signedIn

    public var mine: Bool
    public var page: PageRequest

    public init(mine: Bool, page: PageRequest = PageRequest()) {
        self.mine = mine
        self.page = page
    }
}

/// `POST /v1/rfqs/{id}/close`: the buyer stops taking quotes.
public struct CloseRFQ: RequestContract {
    public typealias Reply = RFQ
    public static let type: MessageType = "matchmaking.close-rfq.v1"
    public static let access = Access.signedIn

    public var rfqID: UUID

    public init(rfqID: UUID) { self.rfqID = rfqID }
}

public struct QuoteFields: Codable, Sendable, Equatable {
    public var unitPrice: RFQFields.Price?
    public var leadTimeDays: Int?
    public var terms: String?

    public init(unitPrice: RFQFields.Price? = nil, leadTimeDays: Int? = nil, terms: String? = nil) {
        self.unitPrice = unitPrice
        self.leadTimeDays = leadTimeDays
        self.terms = terms
    }
}

/// `POST /v1/rfqs/{id}/quotes`: a verified supplier the RFQ was matched to quotes, once.
public struct SubmitQuote: RequestContract {
    public typealias Reply = Quote
    public static let type: MessageType = "matchmaking.submit-quote.v1"
    public static let access = Access.role(.supplier)

    public var rfqID: UUID
    public var fields: QuoteFields

    public init(rfqID: UUID, fields: QuoteFields) {
        self.rfqID = rfqID
        self.fields = fields
    }
}

/// `GET /v1/rfqs/{id}/quotes`: the buyer sees every quote ranked by fit; a supplier its own.
public struct ListQuotes: RequestContract {
    public typealias Reply = QuoteList
    public static let type: MessageType = "matchmaking.list-quotes.v1"
    public static let access = Access.signedIn

    public var rfqID: UUID

    public init(rfqID: UUID) { self.rfqID = rfqID }
}

/// `PATCH /v1/rfqs/{id}/quotes/{quoteId}`: its supplier revises it until the buyer decides.
public struct ReviseQuote: RequestContract {
    public typealias Reply = Quote
    public static let type: MessageType = "matchmaking.revise-quote.v1"
    public static let access = Access.signedIn

    public var rfqID: UUID
    public var quoteID: UUID
    public var fields: QuoteFields

    public init(rfqID: UUID, quoteID: UUID, fields: QuoteFields) {
        self.rfqID = rfqID
        self.quoteID = quoteID
        self.fields = fields
    }
}

/// `POST /v1/rfqs/{id}/quotes/{quoteId}/decision`: the buyer accepts or declines.
public struct DecideQuote: RequestContract {
    public typealias Reply = Quote
    public static let type: MessageType = "matchmaking.decide-quote.v1"
    public static let access = Access.signedIn

    public var rfqID: UUID
    public var quoteID: UUID
    public var decision: String?

    public init(rfqID: UUID, quoteID: UUID, decision: String?) {
        self.rfqID = rfqID
        self.quoteID = quoteID
        self.decision = decision
    }
}

public enum QuoteDecision: String, Codable, Sendable, CaseIterable {
    case accept, decline
}
