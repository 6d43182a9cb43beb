import Foundation
import Testing
import TestSupport

/// The catalogue through the real gateway, broker, accounts and matchmaking processes and database:
/// matchmaking learns the companies from accounts' events only.
@Suite(.serialized, .integration) struct MatchmakingJourneyTests {
    @Test func aVerifiedSupplierPublishesAPurchaserFindsAndFollowsItAndAThirdCompanySeesNothingPrivate() async throws {
        try await AccountsStack.with(backends: [.matchmaking]) { stack in
            let supplier = try await stack.company("supplier")
            let purchaser = try await stack.company("purchaser")
            let third = try await stack.company("supplier")
            let admin = try #require(try await stack.signIn(stack.adminEmail, AccountsStack.adminPassword)["token"] as? String)

            // Not verified yet: a draft is fine, publishing is refused.
            try await stack.waitForExhibitor(supplier.companyID)
            let refused = try await http("POST", stack.url("/v1/products"), token: supplier.token, json: Self.pump(status: "published"))
            #expect(refused.status == 403 && refused.code == "supplier-not-verified")
            let draft = try await http("POST", stack.url("/v1/products"), token: supplier.token, json: Self.pump(status: "draft"),
                                       headers: ["Idempotency-Key": UUID().uuidString])
            #expect(draft.status == 201)
            let draftID = try #require(draft["id"] as? String)

            let decision = try await http("POST", stack.url("/v1/admin/accounts/\(supplier.accountID)/verification"), token: admin,
                                          json: ["decision": "approve"])
            #expect(decision.status == 200)
            try await stack.waitForExhibitor(supplier.companyID, verified: true)
            let published = try await http("POST", stack.url("/v1/products"), token: supplier.token, json: Self.pump(status: "published"))
            #expect(published.status == 201 && published["status"] as? String == "published")
            let productID = try #require(published["id"] as? String)

            // The purchaser finds it, with a typo too, and follows it.
            for query in ["hydraulic%20gear%20pump", "hydralic", "gear"] {
                let found = try await http("GET", stack.url("/v1/search?q=\(query)&category=pumps"), token: purchaser.token)
                let results = found["results"] as? [[String: Any]]
                #expect(found.status == 200 && results?.map { $0["id"] as? String } == [productID], "'\(query)'")
            }
            let facets = try await http("GET", stack.url("/v1/search?q=pump"))["facets"] as? [String: Any]
            #expect((facets?["country"] as? [[String: Any]])?.first?["code"] as? String == "CN")
            let follow = try await http("POST", stack.url("/v1/me/follows"), token: purchaser.token, json: ["kind": "product", "id": productID])
            #expect(follow.status == 201)
            let again = try await http("POST", stack.url("/v1/me/follows"), token: purchaser.token, json: ["kind": "product", "id": productID])
            #expect(again.status == 200, "a repeat is no error")
            let owned = try await http("GET", stack.url("/v1/products/\(productID)"), token: supplier.token)
            #expect(owned["followerCount"] as? Int == 1)
            let seen = try await http("GET", stack.url("/v1/products/\(productID)"), token: purchaser.token)
            #expect(seen.status == 200 && seen["followerCount"] == nil, "only the owner sees the count")
            #expect(!String(decoding: seen.body, as: UTF8.self).contains("Zhang Min"), "no personal data on a product")
            let sells = try await http("POST", stack.url("/v1/products"), token: purchaser.token, json: Self.pump(status: "draft"))
            #expect(sells.status == 403)

            // Another company reaches nothing private, and changes nothing.
            for (method, json) in [("GET", nil), ("PATCH", ["name": "Taken over"]), ("DELETE", nil)] as [(String, [String: any Sendable]?)] {
                let answer = try await http(method, stack.url("/v1/products/\(draftID)"), token: third.token, json: json)
                #expect(answer.status == 404, "\(method) on another company's draft")
            }
            #expect(try await http("GET", stack.url("/v1/products/\(draftID)")).status == 404, "nor a visitor")
            #expect(try await http("DELETE", stack.url("/v1/products/\(productID)"), token: third.token).status == 404)
            let mine = try await http("GET", stack.url("/v1/me/products"), token: supplier.token)
            #expect((mine["items"] as? [[String: Any]])?.map { $0["name"] as? String } == ["Hydraulic gear pump HGP-3", "Hydraulic gear pump HGP-3"])

            // The purchaser posts a requirement; the supplier, whose catalogue fits, sees it and quotes; the buyer accepts.
            let rfq = try await stack.postRFQ(purchaser.token)
            #expect(rfq.status == 201 && rfq["matchedSuppliers"] as? Int == 1)
            let rfqID = try #require(rfq["id"] as? String)
            let matched = try await http("GET", stack.url("/v1/rfqs"), token: supplier.token)
            #expect((matched["items"] as? [[String: Any]])?.map { $0["id"] as? String } == [rfqID])
            #expect(!String(decoding: matched.body, as: UTF8.self).contains("Zhang Min"), "the buyer's card only")
            let quote = try await http("POST", stack.url("/v1/rfqs/\(rfqID)/quotes"), token: supplier.token,
                                       json: ["unitPrice": ["amount": 92.5, "currency": "USD"] as [String: any Sendable], "leadTimeDays": 21])
            #expect(quote.status == 201)
            let quoteID = try #require(quote["id"] as? String)
            let twice = try await http("POST", stack.url("/v1/rfqs/\(rfqID)/quotes"), token: supplier.token,
                                       json: ["unitPrice": ["amount": 90, "currency": "USD"] as [String: any Sendable], "leadTimeDays": 20])
            #expect(twice.status == 409 && twice.code == "quote-exists")
            let quotes = try await http("GET", stack.url("/v1/rfqs/\(rfqID)/quotes"), token: purchaser.token)
            let listed = try #require((quotes["items"] as? [[String: Any]])?.first)
            #expect(listed["id"] as? String == quoteID && (listed["fit"] as? [String: Any])?["reasons"] != nil)
            let accepted = try await http("POST", stack.url("/v1/rfqs/\(rfqID)/quotes/\(quoteID)/decision"), token: purchaser.token,
                                          json: ["decision": "accept"])
            #expect(accepted.status == 200 && accepted["status"] as? String == "accepted")
            for path in ["/v1/rfqs/\(rfqID)", "/v1/rfqs/\(rfqID)/quotes"] {
                #expect(try await http("GET", stack.url(path), token: third.token).status == 404, "\(path) is private")
            }
        }
    }

    static func requirement() -> [String: any Sendable] {
        [
            "title": "2,000 gear pumps for tractors", "categoryID": "gear-pumps",
            "quantity": ["amount": 2000, "unit": "pieces"] as [String: any Sendable], "destinationCountry": "NG",
            "deadline": Date(timeIntervalSinceNow: 14 * 86400).formatted(.iso8601),
        ]
    }

    static func pump(status: String) -> [String: any Sendable] {
        [
            "name": "Hydraulic gear pump HGP-3", "categoryID": "gear-pumps", "description": "Cast iron gear pump for 250 bar systems",
            "specifications": [["name": "Displacement", "value": "16 cc/rev"]] as [[String: String]],
            "price": ["min": 120, "max": 180.5, "currency": "usd"] as [String: any Sendable], "keywords": ["hydraulic pump"], "status": status,
        ]
    }
}

extension AccountsStack {
    struct Company {
        var accountID: String
        var companyID: String
        var token: String
        var email: String
    }

    /// Registers a company and signs its user in.
    func company(_ businessType: String) async throws -> Company {
        let email = "\(uniqueName(businessType))@example.com"
        let account = try await register(email, businessType: businessType)
        let accountID = try #require(account["id"] as? String)
        let companyID = try #require((account["company"] as? [String: Any])?["id"] as? String)
        let token = try #require(try await signIn(email)["token"] as? String)
        return Company(accountID: accountID, companyID: companyID, token: token, email: email)
    }

    /// Posts an RFQ, again while matchmaking answers that the buyer's registration has not reached
    /// it yet (409 `company-not-ready`, which changes nothing).
    func postRFQ(_ token: String) async throws -> HTTPAnswer {
        var answer = try await http("POST", url("/v1/rfqs"), token: token, json: MatchmakingJourneyTests.requirement())
        let deadline = ContinuousClock.now + .seconds(30)
        while answer.code == "company-not-ready", ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
            answer = try await http("POST", url("/v1/rfqs"), token: token, json: MatchmakingJourneyTests.requirement())
        }
        return answer
    }

    /// Waits until matchmaking learned of the supplier (and of its verification) from accounts' events.
    func waitForExhibitor(_ companyID: String, verified: Bool = false) async throws {
        let known = await eventually(timeout: .seconds(30), interval: .milliseconds(100)) {
            let answer = try? await http("GET", url("/v1/exhibitors/\(companyID)"))
            return answer?.status == 200 && (!verified || answer?["verified"] as? Bool == true)
        }
        guard known else { throw TestFailure("matchmaking never learned of company \(companyID)") }
    }
}
