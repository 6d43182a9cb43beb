import Foundation
import Testing
import TestSupport

/// For every documented operation that names an object by id, another user's attempt on the
/// first user's object gets 404 or 403 and changes nothing. The operations come from the
/// gateway's own OpenAPI document: a new one without a row here fails the test.
@Suite(.serialized, .integration) struct AuthorizationMatrixTests {
    @Test func aSecondUserNeverReachesTheFirstUsersObjects() async throws {
        try await AccountsStack.with(backends: [.matchmaking, .messaging, .complaints, .dataRights]) { stack in
            let owner = "\(uniqueName("owner"))@example.com"
            let intruder = "\(uniqueName("intruder"))@example.com"
            let ownerAccount = try await stack.register(owner, businessType: "supplier")
            _ = try await stack.register(intruder, businessType: "purchaser")
            let ownerSession = try await stack.signIn(owner)
            let ownerToken = try #require(ownerSession["token"] as? String)
            let ownerSessionID = try #require(ownerSession["sessionID"] as? String)
            let intruderToken = try #require(try await stack.signIn(intruder)["token"] as? String)
            let ownerID = try #require(ownerAccount["id"] as? String)
            let companyID = try #require((ownerAccount["company"] as? [String: Any])?["id"] as? String)
            try await stack.waitForExhibitor(companyID)
            let draft = try await http("POST", stack.url("/v1/products"), token: ownerToken, json: MatchmakingJourneyTests.pump(status: "draft"))
            let draftID = try #require(draft["id"] as? String, "\(draft.status) \(draft.code ?? "")")
            // A purchaser's RFQ, for the requirement operations.
            let buyer = try await stack.company("purchaser")
            let rfq = try await stack.postRFQ(buyer.token)
            let rfqID = try #require(rfq["id"] as? String, "\(rfq.status) \(rfq.code ?? "")")
            // The buyer's inquiry to the owner's company, for the conversation operations.
            let inquiry = try await stack.openConversation(buyer.token, with: companyID, text: "Do you ship to Lagos?")
            let conversationID = try #require(inquiry["id"] as? String, "\(inquiry.status) \(inquiry.code ?? "")")
            let messageID = try #require((inquiry["lastMessage"] as? [String: any Sendable])?["id"] as? String)
            // The buyer's complaint about that conversation, for the complaint operations.
            let complaintID = try #require(try await stack.fileComplaint(buyer.token, against: companyID, about: conversationID)["id"] as? String)
            // The owner's own data-protection request, for the data-rights operations.
            let dataRequest = try await stack.dataRequest(ownerToken, ["kind": "access", "password": AccountsStack.password])
            let dataRequestID = try #require(dataRequest["id"] as? String, "\(dataRequest.status) \(dataRequest.code ?? "")")

            // What the intruder tries, and what must come back.
            typealias Attempt = (id: String, body: [String: any Sendable]?, allowed: Set<Int>)
            let matrix: [String: Attempt] = [
                "DELETE /v1/me/sessions/{id}": (ownerSessionID, nil, [404]),
                "POST /v1/admin/accounts/{id}/verification": (ownerID, ["decision": "approve"], [403]),
                "PUT /v1/admin/accounts/{id}/roles": (ownerID, ["roles": ["admin"]], [403]),
                // Another company's member is no member of the intruder's own company.
                "DELETE /v1/me/company/members/{id}": (ownerID, nil, [404]),
                "PUT /v1/me/company/members/{id}/role": (ownerID, ["role": "member"], [404]),
                // Public by design: the card carries no personal data (checked below).
                "GET /v1/companies/{id}": (companyID, nil, [200]),
                // Public: the showcase carries the card and the company's own description only.
                "GET /v1/exhibitors/{id}": (companyID, nil, [200]),
                "GET /v1/products/{id}": (draftID, nil, [404]),
                "PATCH /v1/products/{id}": (draftID, ["name": "Taken over"], [404]),
                "DELETE /v1/products/{id}": (draftID, nil, [404]),
                // One's own follows only: unfollowing another's follow target touches only one's own.
                "DELETE /v1/me/follows/{kind}/{id}": (draftID, nil, [204]),
                "GET /v1/rfqs/{id}": (rfqID, nil, [404]),
                "POST /v1/rfqs/{id}/close": (rfqID, nil, [404]),
                "GET /v1/rfqs/{id}/quotes": (rfqID, nil, [404]),
                // The intruder is a purchaser: suppliers alone quote.
                "POST /v1/rfqs/{id}/quotes": (rfqID, ["unitPrice": ["amount": 1, "currency": "USD"] as [String: any Sendable], "leadTimeDays": 3], [403]),
                "PATCH /v1/rfqs/{id}/quotes/{quoteId}": (rfqID, ["leadTimeDays": 3], [404]),
                "POST /v1/rfqs/{id}/quotes/{quoteId}/decision": (rfqID, ["decision": "accept"], [404]),
                "GET /v1/conversations/{id}": (conversationID, nil, [404]),
                "GET /v1/conversations/{id}/messages": (conversationID, nil, [404]),
                "POST /v1/conversations/{id}/messages": (conversationID, ["text": "Taken over"], [404]),
                "PATCH /v1/conversations/{id}/messages/{messageId}": (conversationID, ["text": "Taken over"], [404]),
                "DELETE /v1/conversations/{id}/messages/{messageId}": (conversationID, nil, [404]),
                "POST /v1/conversations/{id}/read": (conversationID, nil, [404]),
                // Staff only: a supplier is refused before any campaign is looked up.
                "GET /v1/admin/campaigns/{id}": (UUID().uuidString, nil, [403]),
                "GET /v1/admin/campaigns/{id}/audience": (UUID().uuidString, nil, [403]),
                "POST /v1/admin/campaigns/{id}/pause": (UUID().uuidString, nil, [403]),
                "POST /v1/admin/campaigns/{id}/resume": (UUID().uuidString, nil, [403]),
                "POST /v1/admin/campaigns/{id}/cancel": (UUID().uuidString, nil, [403]),
                // Neither party's, and not staff: the complaint does not exist for the intruder.
                "GET /v1/complaints/{id}": (complaintID, nil, [404]),
                "GET /v1/complaints/{id}/events": (complaintID, nil, [404]),
                "POST /v1/complaints/{id}/evidence": (complaintID, ["description": "Forged"], [404]),
                "POST /v1/complaints/{id}/actions": (complaintID, ["action": "withdraw"], [404]),
                "POST /v1/admin/complaints/{id}/assignment": (complaintID, nil, [403]),
                "POST /v1/admin/complaints/{id}/notes": (complaintID, ["text": "Taken over"], [403]),
                "POST /v1/admin/complaints/{id}/decision": (complaintID, ["outcome": "dismissed", "reason": "Taken over"], [403]),
                // A person's data-protection requests and exports are theirs alone.
                "GET /v1/me/data-requests/{id}": (dataRequestID, nil, [404]),
                "POST /v1/me/data-requests/{id}/cancel": (dataRequestID, nil, [404]),
                "GET /v1/me/exports/{id}": (dataRequestID, nil, [404]),
                // Staff only.
                "POST /v1/admin/data-requests/{id}/extension": (dataRequestID, ["reason": "Taken over", "newDueAt": "2030-01-01T00:00:00Z"], [403]),
                "POST /v1/admin/data-requests/{id}/resolution": (dataRequestID, ["resolution": "Taken over"], [403]),
                "POST /v1/admin/data-requests/{id}/denial": (dataRequestID, ["reason": "Taken over", "legalGround": "public-interest"], [403]),
                // The mailed code is the only credential: a guess is refused like any wrong code (and the owner's was never mailed).
                "POST /v1/data-requests/{id}/verification": (dataRequestID, ["code": "12345678"], [404]),
                // Admins only: a supplier is refused before any incident is looked up.
                "POST /v1/admin/incidents/{id}/notifications": (UUID().uuidString, nil, [403]),
                "POST /v1/admin/incidents/{id}/regulator-decision": (UUID().uuidString, ["notify": true, "reason": "Taken over"], [403]),
                // A browser's own random id is its only credential (no sign-in): a new one names a new browser.
                "PUT /v1/consents/{id}": (UUID().uuidString, ["analytics": false, "personalization": false, "policyVersion": "1"], [200]),
                // Another person's notification ids name nothing for the caller (the owner has none yet: any id).
                "POST /v1/me/notifications/{id}/read": (UUID().uuidString, nil, [404]),
            ]

            let document = try await http("GET", stack.url("/openapi.json"))
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            let operations = paths.filter { $0.key.contains("{id}") }.flatMap { path, item in
                item.keys.filter { ["get", "put", "post", "patch", "delete"].contains($0) }.map { "\($0.uppercased()) \(path)" }
            }
            #expect(!operations.isEmpty)
            for operation in operations.sorted() {
                guard let attempt = matrix[operation] else {
                    Issue.record("\(operation) takes an id but has no row in the authorization matrix")
                    continue
                }
                let parts = operation.split(separator: " ", maxSplits: 1)
                let path = parts[1].replacingOccurrences(of: "{id}", with: attempt.id).replacingOccurrences(of: "{kind}", with: "product")
                    .replacingOccurrences(of: "{quoteId}", with: UUID().uuidString).replacingOccurrences(of: "{messageId}", with: messageID)
                let answer = try await http(String(parts[0]), stack.url(path), token: intruderToken, json: attempt.body,
                                            headers: ["Idempotency-Key": UUID().uuidString])
                #expect(attempt.allowed.contains(answer.status), "\(operation) by another user: \(answer.status) \(answer.code ?? "")")
                // The answer may echo the id the intruder sent, nothing else of the owner's.
                for secret in [owner, ownerSessionID, "Zhang Min", "+86 574"] where secret != attempt.id {
                    #expect(!String(decoding: answer.body, as: UTF8.self).contains(secret), "\(operation) leaks \(secret)")
                }
            }

            // Nothing changed for the owner.
            let me = try await http("GET", stack.url("/v1/me"), token: ownerToken)
            #expect(me.status == 200, "the owner's session survived")
            #expect(me["verificationStatus"] as? String == "pending")
            #expect(me["roles"] as? [String] == ["supplier"])
            let stillOpen = try await http("GET", stack.url("/v1/rfqs/\(rfqID)"), token: buyer.token)
            #expect(stillOpen["status"] as? String == "open" && stillOpen["quoteCount"] as? Int == 0)
            let messages = try await http("GET", stack.url("/v1/conversations/\(conversationID)/messages"), token: buyer.token)
            #expect((messages["items"] as? [[String: any Sendable]])?.map { $0["text"] as? String } == ["Do you ship to Lagos?"])
            let complaint = try await http("GET", stack.url("/v1/complaints/\(complaintID)"), token: buyer.token)
            #expect(complaint["status"] as? String == "negotiating" && (complaint["evidence"] as? [Any])?.isEmpty == true)
            let product = try await http("GET", stack.url("/v1/products/\(draftID)"), token: ownerToken)
            #expect(product["name"] as? String == "Hydraulic gear pump HGP-3" && product["status"] as? String == "draft")
            // Lists of one's own things hold nothing of the owner's.
            for list in ["/v1/me", "/v1/me/sessions", "/v1/me/logins"] {
                let answer = try await http("GET", stack.url(list), token: intruderToken)
                #expect(answer.status == 200)
                for secret in [owner, ownerSessionID, ownerID] {
                    #expect(!String(decoding: answer.body, as: UTF8.self).localizedCaseInsensitiveContains(secret), "\(list) shows \(secret)")
                }
            }
        }
    }
}
