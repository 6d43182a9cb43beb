import Foundation

// Requests the matchmaking service answers on `matchmaking.rpc`. Fields a user types are optional
// (strings where they are text), so a missing or malformed one is a field-level `validation-failed`.
// Amounts are Doubles, as JSON numbers are; the service keeps them as rounded decimals.

/// `GET /v1/categories`: the shipped category tree.
public struct ListCategories: RequestContract {
    public typealias Reply = [Category]
    public static let type: MessageType = "matchmaking.list-categories.v1"
    public static let access = Access.anyone

    public init() {}
}

/// `PUT /v1/me/exhibitor`: a supplier writes its company's showcase (every field replaced).
public struct SetExhibitor: RequestContract {
    public typealias Reply = Exhibitor
    public static let type: MessageType = "matchmaking.set-exhibitor.v1"
    public static let access = Access.role(.supplier)

    public var description: String?
    public var categoryIDs: [String]?
    public var website: String?
    public var yearEstablished: Int?
    public var employees: String?
    public var mainMarkets: [String]?

    public init(
        description: String?, categoryIDs: [String]?, website: String?, yearEstablished: Int?, employees: String?, mainMarkets: [String]?
    ) {
        self.description = description
        self.categoryIDs = categoryIDs
        self.website = website
        self.yearEstablished = yearEstablished
        self.employees = employees
        self.mainMarkets = mainMarkets
    }
}

/// `GET /v1/exhibitors/{companyId}`: a supplier's public showcase.
public struct GetExhibitor: RequestContract {
    public typealias Reply = Exhibitor
    public static let type: MessageType = "matchmaking.get-exhibitor.v1"
    public static let access = Access.anyone

    public var companyID: UUID

    public init(companyID: UUID) { self.companyID = companyID }
}

/// The fields of a product as a supplier sends them, for creating and (all optional) editing.
public struct ProductFields: Codable, Sendable, Equatable {
    public struct Price: Codable, Sendable, Equatable {
        public var min: Double?
        public var max: Double?
        public var currency: String?

        public init(min: Double?, max: Double?, currency: String?) {
            self.min = min
            self.max = max
            self.currency = currency
        }
    }

    public struct Order: Codable, Sendable, Equatable {
        public var quantity: Double?
        public var unit: String?

        public init(quantity: Double?, unit: String?) {
            self.quantity = quantity
            self.unit = unit
        }
    }

    public struct Spec: Codable, Sendable, Equatable {
        public var name: String?
        public var value: String?

        public init(name: String?, value: String?) {
            self.name = name
            self.value = value
        }
    }

    public var name: String?
    public var categoryID: String?
    public var description: String?
    public var specifications: [Spec]?
    public var price: Price?
    public var minimumOrder: Order?
    public var pictures: [String]?
    public var keywords: [String]?
    public var status: String?

    public init(
        name: String? = nil, categoryID: String? = nil, description: String? = nil, specifications: [Spec]? = nil, price: Price? = nil,
        minimumOrder: Order? = nil, pictures: [String]? = nil, keywords: [String]? = nil, status: String? = nil
    ) {
        self.name = name
        self.categoryID = categoryID
        self.description = description
        self.specifications = specifications
        self.price = price
        self.minimumOrder = minimumOrder
        self.pictures = pictures
        self.keywords = keywords
        self.status = status
    }
}

/// `POST /v1/products`: a supplier adds a product to its company's catalogue.
public struct CreateProduct: RequestContract {
    public typealias Reply = Product
    public static let type: MessageType = "matchmaking.create-product.v1"
    public static let access = Access.role(.supplier)

    public var fields: ProductFields

    public init(fields: ProductFields) { self.fields = fields }
}

/// `GET /v1/products/{id}`: a published product (anyone) or a draft (its owner only).
public struct GetProduct: RequestContract {
    public typealias Reply = Product
    public static let type: MessageType = "matchmaking.get-product.v1"
    public static let access = Access.anyone

    public var productID: UUID

    public init(productID: UUID) { self.productID = productID }
}

/// `PATCH /v1/products/{id}`: the owner edits, publishes or unpublishes; absent fields stay.
public struct UpdateProduct: RequestContract {
    public typealias Reply = Product
    public static let type: MessageType = "matchmaking.update-product.v1"
    public static let access = Access.signedIn

    public var productID: UUID
    public var fields: ProductFields

    public init(productID: UUID, fields: ProductFields) {
        self.productID = productID
        self.fields = fields
    }
}

/// `DELETE /v1/products/{id}`.
public struct DeleteProduct: RequestContract {
    public typealias Reply = NoContent
    public static let type: MessageType = "matchmaking.delete-product.v1"
    public static let access = Access.signedIn

    public var productID: UUID

    public init(productID: UUID) { self.productID = productID }
}

/// `GET /v1/me/products`: the caller's company's products, drafts included, newest first.
public struct ListMyProducts: RequestContract {
    public typealias Reply = Page<Product>
    public static let type: MessageType = "matchmaking.list-my-products.v1"
    public static let access = Access.signedIn

    public var page: PageRequest

    public init(page: PageRequest = PageRequest()) { self.page = page }
}

/// `GET /v1/search`: ranked, typo-tolerant search over published products or exhibitors.
public struct Search: RequestContract {
    public typealias Reply = SearchResults
    public static let type: MessageType = "matchmaking.search.v1"
    public static let access = Access.anyone

    public var query: String?
    public var kind: String?
    public var category: String?
    public var country: String?
    public var priceMin: Double?
    public var priceMax: Double?
    public var currency: String?
    public var verifiedOnly: Bool?
    public var page: PageRequest

    public init(
        query: String?, kind: String? = nil, category: String? = nil, country: String? = nil, priceMin: Double? = nil,
        priceMax: Double? = nil, currency: String? = nil, verifiedOnly: Bool? = nil, page: PageRequest = PageRequest()
    ) {
        self.query = query
        self.kind = kind
        self.category = category
        self.country = country
        self.priceMin = priceMin
        self.priceMax = priceMax
        self.currency = currency
        self.verifiedOnly = verifiedOnly
        self.page = page
    }
}

/// `POST /v1/me/follows`.
public struct FollowTarget: RequestContract {
    public typealias Reply = FollowCreated
    public static let type: MessageType = "matchmaking.follow.v1"
    public static let access = Access.signedIn

    public var kind: String?
    public var id: String?

    public init(kind: String?, id: String?) {
        self.kind = kind
        self.id = id
    }
}

/// `DELETE /v1/me/follows/{kind}/{id}`: repeating it is harmless.
public struct UnfollowTarget: RequestContract {
    public typealias Reply = NoContent
    public static let type: MessageType = "matchmaking.unfollow.v1"
    public static let access = Access.signedIn

    public var kind: String
    public var id: UUID

    public init(kind: String, id: UUID) {
        self.kind = kind
        self.id = id
    }
}

/// `GET /v1/me/follows`: newest first.
public struct ListFollows: RequestContract {
    public typealias Reply = Page<Follow>
    public static let type: MessageType = "matchmaking.list-follows.v1"
    public static let access = Access.signedIn

    public var page: PageRequest

    public init(page: PageRequest = PageRequest()) { self.page = page }
}
