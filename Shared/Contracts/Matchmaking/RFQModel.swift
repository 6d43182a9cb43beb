import Foundation

// Purchasing requirements (RFQs) and the quotes suppliers send for them.

/// `expired` once the deadline has passed, whether or not the expiry timer has run yet.
public enum RFQStatus: String, Codable, Sendable, CaseIterable {
    case open, closed, expired
}

public struct Quantity: Codable, Sendable, Equatable {
    public var amount: Decimal
    public var unit: String

    public init(amount: Decimal, unit: String) {
        self.amount = amount
        self.unit = unit
    }
}

public struct Money: Codable, Sendable, Equatable {
    public var amount: Decimal
    public var currency: String

    public init(amount: Decimal, currency: String) {
        self.amount = amount
        self.currency = currency
    }
}

public struct RFQ: Codable, Sendable, Equatable {
    public var id: UUID
    public var buyerCompanyID: UUID
    /// The buyer's company card name: what matched suppliers see of the buyer, never contact details.
    public var buyerName: String
    public var buyerCountry: String
    public var title: String
    public var categoryID: String
    public var description: String?
    public var quantity: Quantity
    public var targetPrice: Money?
    public var destinationCountry: String
    public var deadline: Date
    public var status: RFQStatus
    public var quoteCount: Int
    /// The buyer only: how many suppliers it was sent to.
    public var matchedSuppliers: Int?
    public var createdAt: Date

    public init(
        id: UUID, buyerCompanyID: UUID, buyerName: String, buyerCountry: String, title: String, categoryID: String, description: String?,
        quantity: Quantity, targetPrice: Money?, destinationCountry: String, deadline: Date, status: RFQStatus, quoteCount: Int,
        matchedSuppliers: Int?, createdAt: Date
    ) {
        self.id = id
        self.buyerCompanyID = buyerCompanyID
        self.buyerName = buyerName
        self.buyerCountry = buyerCountry
        self.title = title
        self.categoryID = categoryID
        self.description = description
        self.quantity = quantity
        self.targetPrice = targetPrice
        self.destinationCountry = destinationCountry
        self.deadline = deadline
        self.status = status
        self.quoteCount = quoteCount
        self.matchedSuppliers = matchedSuppliers
        self.createdAt = createdAt
    }
}

public enum QuoteStatus: String, Codable, Sendable, CaseIterable {
    case submitted, accepted, declined
}

/// Why a quote ranks where it does for the buyer: verification, category match, lead time; never payment.
public struct QuoteFit: Codable, Sendable, Equatable {
    public var rank: Int
    public var reasons: [String]

    public init(rank: Int, reasons: [String]) {
        self.rank = rank
        self.reasons = reasons
    }
}

public struct Quote: Codable, Sendable, Equatable {
    public var id: UUID
    public var rfqID: UUID
    public var supplierCompanyID: UUID
    public var supplierName: String
    public var supplierCountry: String
    public var verified: Bool
    public var unitPrice: Money
    public var leadTimeDays: Int
    public var terms: String?
    public var status: QuoteStatus
    /// The buyer only.
    public var fit: QuoteFit?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: UUID, rfqID: UUID, supplierCompanyID: UUID, supplierName: String, supplierCountry: String, verified: Bool, unitPrice: Money,
        leadTimeDays: Int, terms: String?, status: QuoteStatus, fit: QuoteFit?, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.rfqID = rfqID
        self.supplierCompanyID = supplierCompanyID
        self.supplierName = supplierName
        self.supplierCountry = supplierCountry
        self.verified = verified
        self.unitPrice = unitPrice
        self.leadTimeDays = leadTimeDays
        self.terms = terms
        self.status = status
        self.fit = fit
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

public struct QuoteList: Codable, Sendable, Equatable {
    public var items: [Quote]

    public init(items: [Quote]) { self.items = items }
}
