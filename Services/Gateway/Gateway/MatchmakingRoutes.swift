import Contracts
import Foundation
import Hummingbird
import MessageBus
import ServiceRuntime

/// The matchmaking part of the HTTP API (API.md, "Matchmaking"): the category tree, showcases,
/// products, search and follows.
struct MatchmakingRoutes {
    let forwarder: RPCForwarder

    func add(to router: Router<GatewayContext>) {
        router.forward(.get, "/v1/categories", by: forwarder) { _, _ in ListCategories() }
        router.forward(.put, "/v1/me/exhibitor", by: forwarder) { request, _ in try await forwarder.decode(SetExhibitor.self, request) }
        router.forward(.get, "/v1/exhibitors/:id", by: forwarder) { _, context in
            GetExhibitor(companyID: try context.pathID("no exhibitor with this id"))
        }
        router.forward(.post, "/v1/products", by: forwarder, status: .created) { request, _ in
            CreateProduct(fields: try await forwarder.decode(ProductFields.self, request))
        }
        router.forward(.get, "/v1/products/:id", by: forwarder) { _, context in
            GetProduct(productID: try context.pathID("no product with this id"))
        }
        router.forward(.patch, "/v1/products/:id", by: forwarder) { request, context in
            let id = try context.pathID("no product of your company has this id")
            return UpdateProduct(productID: id, fields: try await forwarder.decode(ProductFields.self, request))
        }
        router.forward(.delete, "/v1/products/:id", by: forwarder, status: .noContent) { _, context in
            DeleteProduct(productID: try context.pathID("no product of your company has this id"))
        }
        router.forward(.get, "/v1/me/products", by: forwarder) { request, _ in ListMyProducts(page: try request.pageRequest()) }
        router.forward(.get, "/v1/search", by: forwarder) { request, _ in try Self.search(request) }
        router.post("/v1/me/follows") { request, context in
            try forwarder.admit(FollowTarget.self, context)
            let reply = try await forwarder.call(try await forwarder.decode(FollowTarget.self, request), request: request, context: context)
            // A repeat is no error: 200 with the follow that already existed.
            return try Response.json(reply.follow, status: reply.created ? .created : .ok)
        }
        router.forward(.delete, "/v1/me/follows/:kind/:id", by: forwarder, status: .noContent) { _, context in
            UnfollowTarget(kind: context.parameters.get("kind") ?? "", id: try context.pathID("you do not follow this"))
        }
        router.forward(.get, "/v1/me/follows", by: forwarder) { request, _ in ListFollows(page: try request.pageRequest()) }
        addRequirements(to: router)
        router.forward(.get, "/v1/me/history", by: forwarder) { _, _ in GetHistory() }
        router.forward(.delete, "/v1/me/history", by: forwarder, status: .noContent) { _, _ in ClearHistory() }
        router.forward(.post, "/v1/me/history/visits", by: forwarder, status: .noContent) { request, _ in
            try await forwarder.decode(ReportVisitDuration.self, request)
        }
        router.forward(.get, "/v1/me/buyer-interest", by: forwarder) { _, _ in GetBuyerInterest() }
        router.forward(.get, "/v1/me/recommendations", by: forwarder) { _, _ in GetRecommendations() }
        router.forward(.get, "/v1/admin/statistics", by: forwarder) { request, _ in
            GetStatistics(from: request.uri.queryParameters.get("from"), to: request.uri.queryParameters.get("to"))
        }
    }

    /// RFQs and quotes.
    func addRequirements(to router: Router<GatewayContext>) {
        let noRFQ = "no RFQ you may see has this id"
        let noQuote = "no quote you may see has this id"
        router.forward(.post, "/v1/rfqs", by: forwarder, status: .created) { request, _ in
            PostRFQ(fields: try await forwarder.decode(RFQFields.self, request))
        }
        router.forward(.get, "/v1/rfqs", by: forwarder) { request, _ in
            ListRFQs(mine: try request.flag("mine") ?? false, page: try request.pageRequest())
        }
        router.forward(.get, "/v1/rfqs/:id", by: forwarder) { _, context in GetRFQ(rfqID: try context.pathID(noRFQ)) }
        router.forward(.post, "/v1/rfqs/:id/close", by: forwarder) { _, context in CloseRFQ(rfqID: try context.pathID(noRFQ)) }
        router.forward(.post, "/v1/rfqs/:id/quotes", by: forwarder, status: .created) { request, context in
            let id = try context.pathID(noRFQ)
            return SubmitQuote(rfqID: id, fields: try await forwarder.decode(QuoteFields.self, request))
        }
        router.forward(.get, "/v1/rfqs/:id/quotes", by: forwarder) { _, context in ListQuotes(rfqID: try context.pathID(noRFQ)) }
        router.forward(.patch, "/v1/rfqs/:id/quotes/:quoteId", by: forwarder) { request, context in
            let (id, quoteID) = (try context.pathID(noRFQ), try context.pathID(noQuote, parameter: "quoteId"))
            return ReviseQuote(rfqID: id, quoteID: quoteID, fields: try await forwarder.decode(QuoteFields.self, request))
        }
        router.forward(.post, "/v1/rfqs/:id/quotes/:quoteId/decision", by: forwarder) { request, context in
            let (id, quoteID) = (try context.pathID(noRFQ), try context.pathID(noQuote, parameter: "quoteId"))
            return DecideQuote(rfqID: id, quoteID: quoteID, decision: try await forwarder.decode(DecisionForm.self, request).decision)
        }
    }

    struct DecisionForm: Decodable {
        var decision: String?
    }

    /// `GET /v1/search?q=&kind=&category=&country=&priceMin=&priceMax=&currency=&verifiedOnly=`;
    /// a number or a flag that does not parse is named in a `validation-failed`.
    static func search(_ request: Request) throws -> Search {
        let query = request.uri.queryParameters
        var errors: [Problem.FieldError] = []
        func number(_ name: String) -> Double? {
            guard let text = query.get(name), !text.isEmpty else { return nil }
            // JSON's number syntax: Double(_:) alone would also take "inf", "nan" and hexadecimal.
            guard text.count <= 64, text.wholeMatch(of: /-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/) != nil, let value = Double(text) else {
                errors.append(.init(field: name, message: "must be a number such as 1250.50"))
                return nil
            }
            return value
        }
        let priceMin = number("priceMin")
        let priceMax = number("priceMax")
        var verifiedOnly: Bool?
        do { verifiedOnly = try request.flag("verifiedOnly") } catch let problem as Problem { errors += problem.errors ?? [] }
        if !errors.isEmpty { throw Problem.validationFailed(errors) }
        return Search(
            query: query.get("q"), kind: query.get("kind").nonEmpty, category: query.get("category").nonEmpty,
            country: query.get("country").nonEmpty, priceMin: priceMin, priceMax: priceMax, currency: query.get("currency").nonEmpty,
            verifiedOnly: verifiedOnly, page: try request.pageRequest())
    }
}

extension Response {
    /// `value` as a JSON body with `status`.
    static func json(_ value: some Encodable, status: HTTPResponse.Status) throws -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: try MessageCodec.encode(value))))
    }
}
