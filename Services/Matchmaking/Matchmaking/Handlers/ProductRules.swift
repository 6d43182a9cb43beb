import Contracts
import Foundation
import ServiceRuntime

/// A product's fields once checked: what is stored.
struct ProductDraft: Equatable {
    var name: String
    var categoryID: String
    var description: String?
    var specifications: [Specification]
    var price: PriceRange?
    var minimumOrder: MinimumOrder?
    var pictures: [String]
    var keywords: [String]
    var status: ProductStatus
}

/// The product rules: every field checked, every bad one named in one `validation-failed`. For an
/// edit, absent fields keep their current value; an empty text, list, `price` or `minimumOrder`
/// object clears an optional one.
enum ProductRules {
    static func read(_ fields: ProductFields, categories: Categories, current: ProductDraft? = nil) throws -> ProductDraft {
        var checks = FieldChecks()
        var name = current?.name
        if fields.name != nil || current == nil { name = checks.required("name", fields.name, maxLength: 200) }
        var categoryID = current?.categoryID
        if fields.categoryID != nil || current == nil {
            categoryID = checks.required("categoryID", fields.categoryID, maxLength: 100)
            if let id = categoryID, !categories.contains(id) {
                checks.fail("categoryID", "is not a category of GET /v1/categories")
                categoryID = nil
            }
        }
        var description = current?.description
        if fields.description != nil { description = checks.optional("description", fields.description, maxLength: 5000).nonEmpty }
        var specifications = current?.specifications ?? []
        if let specs = fields.specifications {
            if specs.count > 50 { checks.fail("specifications", "must list at most 50 name/value pairs") }
            specifications = specs.prefix(50).enumerated().compactMap { index, spec in
                let name = checks.required("specifications[\(index)].name", spec.name, maxLength: 100)
                let value = checks.required("specifications[\(index)].value", spec.value, maxLength: 500)
                guard let name, let value else { return nil }
                return Specification(name: name, value: value)
            }
        }
        var price = current?.price
        if let given = fields.price {
            price = given == .init(min: nil, max: nil, currency: nil) ? nil : readPrice(given, checks: &checks)
        }
        var minimumOrder = current?.minimumOrder
        if let given = fields.minimumOrder {
            if given == .init(quantity: nil, unit: nil) { minimumOrder = nil } else {
                // Rounded up: an order cannot be for less than the minimum the supplier named.
                let quantity = checks.amount("minimumOrder.quantity", given.quantity, scale: 3, rounding: .up)
                if quantity == 0 { checks.fail("minimumOrder.quantity", "must be more than 0") }
                let unit = checks.required("minimumOrder.unit", given.unit, maxLength: 30)
                minimumOrder = quantity.flatMap { quantity in unit.map { MinimumOrder(quantity: quantity, unit: $0) } }
            }
        }
        var pictures = current?.pictures ?? []
        if let urls = fields.pictures {
            if urls.count > 10 { checks.fail("pictures", "must list at most 10 pictures") }
            pictures = urls.prefix(10).enumerated().compactMap { index, url in checks.httpsURL("pictures[\(index)]", url) }
        }
        var keywords = current?.keywords ?? []
        if let words = fields.keywords {
            if words.count > 20 { checks.fail("keywords", "must list at most 20 keywords") }
            keywords = []
            for (index, word) in words.prefix(20).enumerated() {
                if let keyword = checks.required("keywords[\(index)]", word, maxLength: 50),
                   !keywords.contains(where: { $0.caseInsensitiveCompare(keyword) == .orderedSame }) {
                    keywords.append(keyword)
                }
            }
        }
        var status = current?.status ?? .draft
        if fields.status != nil, let parsed = checks.oneOf("status", fields.status, as: ProductStatus.self) { status = parsed }
        try checks.finish()
        guard let name, let categoryID else { throw Problem.internalError("validation let a missing field through") }
        return ProductDraft(
            name: name, categoryID: categoryID, description: description, specifications: specifications, price: price,
            minimumOrder: minimumOrder, pictures: pictures, keywords: keywords, status: status)
    }

    static func readPrice(_ given: ProductFields.Price, checks: inout FieldChecks) -> PriceRange? {
        let min = checks.amount("price.min", given.min)
        let max = checks.amount("price.max", given.max)
        let currency = checks.currency("price.currency", given.currency)
        if let min, let max, min > max { checks.fail("price.max", "must not be less than price.min") }
        guard let min, let max, let currency, min <= max else { return nil }
        return PriceRange(min: min, max: max, currency: currency)
    }
}
