import Foundation

// What the matchmaking service answers: the catalogue's categories, exhibitor showcases, products,
// search results and follows. Business data belongs to a company (`companyID`), never to a person.

/// A node of the shipped machinery and electronics category tree; ids are stable slugs.
public struct Category: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var parentID: String?

    public init(id: String, name: String, parentID: String?) {
        self.id = id
        self.name = name
        self.parentID = parentID
    }
}

/// A supplier's public showcase: the company card's fields (kept from accounts' events), what the
/// supplier says about itself, and counts; no personal data.
public struct Exhibitor: Codable, Sendable, Equatable {
    public var companyID: UUID
    public var name: String
    public var industry: String
    public var country: String
    public var verified: Bool
    /// Verified under its earlier approval while staff review a change of its name or country.
    public var verificationUnderReview: Bool
    public var description: String?
    public var categoryIDs: [String]
    /// The supplier's own website (the policy's "jump link"): a plain https link, never fetched.
    public var website: String?
    public var yearEstablished: Int?
    public var employees: String?
    public var mainMarkets: [String]
    public var productCount: Int
    /// Only the exhibitor's own members see how many follow it (never who).
    public var followerCount: Int?
    public var updatedAt: Date?

    public init(
        companyID: UUID, name: String, industry: String, country: String, verified: Bool, verificationUnderReview: Bool,
        description: String?, categoryIDs: [String],
        website: String?, yearEstablished: Int?, employees: String?, mainMarkets: [String], productCount: Int, followerCount: Int?,
        updatedAt: Date?
    ) {
        self.companyID = companyID
        self.name = name
        self.industry = industry
        self.country = country
        self.verified = verified
        self.verificationUnderReview = verificationUnderReview
        self.description = description
        self.categoryIDs = categoryIDs
        self.website = website
        self.yearEstablished = yearEstablished
        self.employees = employees
        self.mainMarkets = mainMarkets
        self.productCount = productCount
        self.followerCount = followerCount
        self.updatedAt = updatedAt
    }
}

public enum ProductStatus: String, Codable, Sendable, CaseIterable {
    case draft, published
}

public struct Specification: Codable, Sendable, Equatable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// A price range in one ISO 4217 currency.
public struct PriceRange: Codable, Sendable, Equatable {
    public var min: Decimal
    public var max: Decimal
    public var currency: String

    public init(min: Decimal, max: Decimal, currency: String) {
        self.min = min
        self.max = max
        self.currency = currency
    }
}

public struct MinimumOrder: Codable, Sendable, Equatable {
    public var quantity: Decimal
    public var unit: String

    public init(quantity: Decimal, unit: String) {
        self.quantity = quantity
        self.unit = unit
    }
}

public struct Product: Codable, Sendable, Equatable {
    public var id: UUID
    public var companyID: UUID
    public var companyName: String
    public var country: String
    public var verified: Bool
    public var name: String
    public var categoryID: String
    public var description: String?
    public var specifications: [Specification]
    public var price: PriceRange?
    public var minimumOrder: MinimumOrder?
    public var pictures: [String]
    public var keywords: [String]
    public var status: ProductStatus
    /// Hidden from everyone but its owner: the supplier's verification was withdrawn or its company cancelled.
    public var hidden: Bool?
    /// Only the owner sees how many follow the product (never who).
    public var followerCount: Int?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: UUID, companyID: UUID, companyName: String, country: String, verified: Bool, name: String, categoryID: String,
        description: String?, specifications: [Specification], price: PriceRange?, minimumOrder: MinimumOrder?, pictures: [String],
        keywords: [String], status: ProductStatus, hidden: Bool?, followerCount: Int?, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.companyID = companyID
        self.companyName = companyName
        self.country = country
        self.verified = verified
        self.name = name
        self.categoryID = categoryID
        self.description = description
        self.specifications = specifications
        self.price = price
        self.minimumOrder = minimumOrder
        self.pictures = pictures
        self.keywords = keywords
        self.status = status
        self.hidden = hidden
        self.followerCount = followerCount
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

public enum SearchKind: String, Codable, Sendable, CaseIterable {
    case product, exhibitor
}

/// Where the query's words were found in `snippet`: offsets and lengths in UTF-16 code units (as
/// JavaScript strings count), so the snippet itself stays plain text and is never markup.
public struct Highlight: Codable, Sendable, Equatable {
    public var offset: Int
    public var length: Int

    public init(offset: Int, length: Int) {
        self.offset = offset
        self.length = length
    }
}

public struct SearchResult: Codable, Sendable, Equatable {
    public var kind: SearchKind
    public var id: UUID
    public var name: String
    public var snippet: String
    public var highlights: [Highlight]
    public var score: Double
    public var companyID: UUID
    public var companyName: String
    public var country: String
    public var verified: Bool
    public var categoryID: String?
    public var price: PriceRange?

    public init(
        kind: SearchKind, id: UUID, name: String, snippet: String, highlights: [Highlight], score: Double, companyID: UUID,
        companyName: String, country: String, verified: Bool, categoryID: String?, price: PriceRange?
    ) {
        self.kind = kind
        self.id = id
        self.name = name
        self.snippet = snippet
        self.highlights = highlights
        self.score = score
        self.companyID = companyID
        self.companyName = companyName
        self.country = country
        self.verified = verified
        self.categoryID = categoryID
        self.price = price
    }
}

public struct CategoryFacet: Codable, Sendable, Equatable {
    public var id: String
    public var count: Int

    public init(id: String, count: Int) {
        self.id = id
        self.count = count
    }
}

public struct CountryFacet: Codable, Sendable, Equatable {
    public var code: String
    public var count: Int

    public init(code: String, count: Int) {
        self.code = code
        self.count = count
    }
}

public struct SearchFacets: Codable, Sendable, Equatable {
    /// Matches per category one level below the `category` filter (per top-level category without
    /// one), each counting its whole subtree.
    public var category: [CategoryFacet]
    public var country: [CountryFacet]

    public init(category: [CategoryFacet], country: [CountryFacet]) {
        self.category = category
        self.country = country
    }
}

public struct SearchResults: Codable, Sendable, Equatable {
    public var results: [SearchResult]
    public var facets: SearchFacets
    /// Every match, or (when `totalIsExact` is false) the number the service looked at, a lower bound.
    public var total: Int
    public var totalIsExact: Bool
    public var nextCursor: String?

    public init(results: [SearchResult], facets: SearchFacets, total: Int, totalIsExact: Bool, nextCursor: String?) {
        self.results = results
        self.facets = facets
        self.total = total
        self.totalIsExact = totalIsExact
        self.nextCursor = nextCursor
    }
}

public enum FollowKind: String, Codable, Sendable, CaseIterable {
    case exhibitor, product
}

public struct Follow: Codable, Sendable, Equatable {
    public var kind: FollowKind
    public var id: UUID
    public var name: String
    public var followedAt: Date

    public init(kind: FollowKind, id: UUID, name: String, followedAt: Date) {
        self.kind = kind
        self.id = id
        self.name = name
        self.followedAt = followedAt
    }
}

/// A follow as created: `created` is false when the caller already followed it (answered 200, not 201).
public struct FollowCreated: Codable, Sendable, Equatable {
    public var follow: Follow
    public var created: Bool

    public init(follow: Follow, created: Bool) {
        self.follow = follow
        self.created = created
    }
}
