import Contracts
import Foundation
import ServiceRuntime

/// An RFQ's fields once checked.
struct RFQDraft {
    var title: String
    var categoryID: String
    var description: String?
    var quantity: Quantity
    var targetPrice: Money?
    var destinationCountry: String
    var deadline: Date
}

enum RFQRules {

    /// From an hour to a year ahead: suppliers need time to answer, and a requirement goes stale.
    static let deadlineWindow: ClosedRange<TimeInterval> = 3600...(366 * 86400)

    static func read(_ fields: RFQFields, categories: Categories, now: Date) throws -> RFQDraft {
        var checks = FieldChecks()
        let title = checks.required("title", fields.title, maxLength: 200)
        var categoryID = checks.required("categoryID", fields.categoryID, maxLength: 100)
        if let id = categoryID, !categories.contains(id) {
            checks.fail("categoryID", "is not a category of GET /v1/categories")
            categoryID = nil
        }
        let description = checks.optional("description", fields.description, maxLength: 5000).nonEmpty
        var quantity: Quantity?
        if let given = fields.quantity {
            let amount = checks.amount("quantity.amount", given.amount, scale: 3, rounding: .up)
            if amount == 0 { checks.fail("quantity.amount", "must be more than 0") }
            let unit = checks.required("quantity.unit", given.unit, maxLength: 30)
            if let amount, let unit, amount > 0 { quantity = Quantity(amount: amount, unit: unit) }
        } else {
            checks.fail("quantity", "is required")
        }
        var targetPrice: Money?
        if let given = fields.targetPrice {
            let amount = checks.amount("targetPrice.amount", given.amount)
            let currency = checks.currency("targetPrice.currency", given.currency)
            if let amount, let currency { targetPrice = Money(amount: amount, currency: currency) }
        }
        let destination = checks.country("destinationCountry", fields.destinationCountry)
        var deadline = checks.time("deadline", fields.deadline)
        if let date = deadline, !deadlineWindow.contains(date.timeIntervalSince(now)) {
            checks.fail("deadline", "must be from an hour to a year from now")
            deadline = nil
        }
        try checks.finish()
        guard let title, let categoryID, let quantity, let destination, let deadline else {
            throw Problem.internalError("validation let a missing field through")
        }
        return RFQDraft(
            title: title, categoryID: categoryID, description: description, quantity: quantity, targetPrice: targetPrice,
            destinationCountry: destination, deadline: deadline)
    }
}

/// A quote's fields once checked; for a revision, absent fields keep their value.
struct QuoteDraft: Equatable {
    var unitPrice: Money
    var leadTimeDays: Int
    var terms: String?

    static let leadTimes = 1...365

    static func read(_ fields: QuoteFields, current: QuoteDraft? = nil) throws -> QuoteDraft {
        var checks = FieldChecks()
        var unitPrice = current?.unitPrice
        if let given = fields.unitPrice {
            let amount = checks.amount("unitPrice.amount", given.amount)
            let currency = checks.currency("unitPrice.currency", given.currency)
            unitPrice = amount.flatMap { amount in currency.map { Money(amount: amount, currency: $0) } }
        } else if current == nil {
            checks.fail("unitPrice", "is required")
        }
        var leadTime = current?.leadTimeDays
        if let days = fields.leadTimeDays {
            if leadTimes.contains(days) { leadTime = days } else { checks.fail("leadTimeDays", "must be from 1 to 365 days") }
        } else if current == nil {
            checks.fail("leadTimeDays", "is required")
        }
        var terms = current?.terms
        if fields.terms != nil { terms = checks.optional("terms", fields.terms, maxLength: 2000).nonEmpty }
        try checks.finish()
        guard let unitPrice, let leadTime else { throw Problem.internalError("validation let a missing field through") }
        return QuoteDraft(unitPrice: unitPrice, leadTimeDays: leadTime, terms: terms)
    }
}
