import Foundation
import Testing
import TestSupport

/// Data-subject requests through the real gateway and every backend: a person with data in every
/// service gets it all in one export, and is erased everywhere once a complaint that holds part of
/// it has closed; after that no table of any schema holds their address.
@Suite(.serialized, .integration) struct DataRightsJourneyTests {
    @Test func aPersonExportsEverythingAndIsErasedEverywhereOnceTheHoldEnds() async throws {
        try await AccountsStack.with(backends: [.matchmaking, .messaging, .marketing, .complaints, .dataRights]) { stack in
            let buyer = try await stack.company("purchaser")
            let supplier = try await stack.company("supplier")
            let opened = try await stack.openConversation(buyer.token, with: supplier.companyID, text: "Do you ship gear pumps to Lagos?")
            let conversationID = try #require(opened["id"] as? String)
            #expect(try await stack.postRFQ(buyer.token).status == 201)
            let complaint = try await stack.fileComplaint(buyer.token, against: supplier.companyID, about: conversationID)
            let complaintID = try #require(complaint["id"] as? String)

            // Access: confirmed by the password, answered by every service, downloadable by its subject only.
            let wrong = try await stack.dataRequest(buyer.token, ["kind": "access", "password": "not my password at all"])
            #expect(wrong.status == 403 && wrong.code == "wrong-password")
            let access = try await stack.dataRequest(buyer.token, ["kind": "access", "password": AccountsStack.password])
            #expect(access.status == 202 && access["dueAt"] != nil)
            let accessID = try #require(access["id"] as? String)
            let exported = try await stack.waitForDataRequest(accessID, token: buyer.token, until: ["completed"])
            #expect((exported["parts"] as? [[String: Any]])?.count == 5)
            let trail = try await TestDatabase.adminRows("""
                SELECT actor || ' ' || event FROM \(stack.schema(of: .dataRights)).data_request_events WHERE request_id = '\(accessID)' ORDER BY sequence
                """)
            #expect(trail.first == "subject received" && trail.last == "platform completed" && trail.filter { $0.hasSuffix(" done") }.count == 5,
                    "every step in the audit trail: \(trail)")
            let zip = try await http("GET", stack.url("/v1/me/exports/\(accessID)"), token: buyer.token)
            #expect(zip.status == 200 && zip.headers["content-type"] == "application/zip")
            let files = try readZip(zip.body).mapValues(\.text)
            #expect(Set(files.keys) == ["accounts.json", "matchmaking.json", "messaging.json", "marketing.json", "complaints.json",
                                        "data-rights.json", "manifest.json"])
            #expect(files["accounts.json"]?.contains(buyer.email) == true)
            #expect(files["messaging.json"]?.contains("Do you ship gear pumps to Lagos?") == true)
            #expect(files["complaints.json"]?.contains(complaintID) == true)
            #expect(files["manifest.json"]?.contains("legalBasis") == true)
            #expect(try await http("GET", stack.url("/v1/me/exports/\(accessID)"), token: supplier.token).status == 404, "another's export")

            // Erasure while the complaint is open: what it holds stays, each part says why, and so does the account.
            let first = try await stack.dataRequest(buyer.token, ["kind": "erasure", "password": AccountsStack.password])
            let held = try await stack.waitForDataRequest(try #require(first["id"] as? String), token: buyer.token, until: ["partially-completed"])
            let parts = (held["parts"] as? [[String: Any]]) ?? []
            let postponed = Dictionary(uniqueKeysWithValues: parts.compactMap { part in
                part["state"] as? String == "postponed" ? (part["service"] as? String ?? "", part["reason"] as? String ?? "") : nil
            })
            #expect(Set(postponed.keys) == ["complaints", "messaging", "accounts"])
            #expect(postponed["complaints"]?.hasPrefix("evidence in an open complaint") == true)
            #expect(try await http("GET", stack.url("/v1/me"), token: buyer.token).status == 200, "the account stays while held")

            // The complaint closes, its hold is released, and the erasure goes through everywhere.
            #expect(try await http("POST", stack.url("/v1/complaints/\(complaintID)/actions"), token: buyer.token, json: ["action": "withdraw"]).status == 200)
            let released = await eventually(timeout: .seconds(30), interval: .milliseconds(200)) {
                (try? await TestDatabase.adminCount("SELECT count(*) FROM \(stack.schema(of: .messaging)).legal_holds")) == 0
            }
            #expect(released)
            let second = try await stack.dataRequest(buyer.token, ["kind": "erasure", "password": AccountsStack.password])
            let secondID = try #require(second["id"] as? String)
            // Its subject can no longer read it once it is through: the trail says so.
            let erased = await eventually(timeout: .seconds(60), interval: .milliseconds(200)) {
                (try? await TestDatabase.adminCount("""
                    SELECT count(*) FROM \(stack.schema(of: .dataRights)).data_requests WHERE id = '\(secondID)' AND status = 'completed'
                    """)) == 1
            }
            #expect(erased)
            #expect(try await http("GET", stack.url("/v1/me"), token: buyer.token).status == 401, "every session ended")
            #expect(try await stack.signIn(buyer.email).status == 401, "the account can no longer sign in")

            // No table of any schema holds the address any more.
            let schemas = [stack.schema] + [.matchmaking, .messaging, .marketing, .complaints, .dataRights].map { stack.schema(of: $0) }
            let tables = try await TestDatabase.adminRows("""
                SELECT table_schema || '.' || table_name FROM information_schema.tables
                WHERE table_schema IN (\(schemas.map { "'\($0)'" }.joined(separator: ", "))) AND table_type = 'BASE TABLE'
                """)
            #expect(tables.count > 30)
            for table in tables {
                let found = try await TestDatabase.adminCount("SELECT count(*) FROM \(table) t WHERE t::text ILIKE '%\(buyer.email)%'")
                #expect(found == 0, "\(table) still holds the erased person's address")
            }
        }
    }
}

extension AccountsStack {
    func dataRequest(_ token: String, _ body: [String: any Sendable]) async throws -> HTTPAnswer {
        try await http("POST", url("/v1/me/data-requests"), token: token, json: body)
    }

    /// Reads the request until its status is one of `statuses` (the services answer asynchronously).
    func waitForDataRequest(_ id: String, token: String, until statuses: Set<String>) async throws -> HTTPAnswer {
        var answer = try await http("GET", url("/v1/me/data-requests/\(id)"), token: token)
        let deadline = ContinuousClock.now + .seconds(60)
        while !statuses.contains(answer["status"] as? String ?? ""), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
            answer = try await http("GET", url("/v1/me/data-requests/\(id)"), token: token)
        }
        guard statuses.contains(answer["status"] as? String ?? "") else {
            let steps = try await TestDatabase.adminRows("""
                SELECT actor || ' ' || event || ' ' || coalesce(detail, '') FROM \(schema(of: .dataRights)).data_request_events
                WHERE request_id = '\(id)' ORDER BY sequence
                """)
            throw TestFailure("request \(id) is not \(statuses): \(answer.status), its trail: \(steps)")
        }
        return answer
    }
}

extension DataRightsJourneyTests {
    @Test func oneOpenRequestOfAKindAtATimeAndACancelledOneIsNotAskedFurther() async throws {
        // The services are not asked during this test: requests stay open as long as it needs.
        try await AccountsStack.with(backends: [.dataRights], environment: ["EXPO_DATA_RIGHTS_TASK_SECONDS": "300"]) { stack in
            let person = try await stack.company("purchaser")
            let other = try await stack.company("purchaser")
            let body: [String: any Sendable] = ["kind": "objection", "scope": "profiling", "password": AccountsStack.password]
            let first = try await stack.dataRequest(person.token, body)
            #expect(first.status == 202 && first["status"] as? String == "in-progress" && first["scope"] as? String == "profiling")
            let firstID = try #require(first["id"] as? String)
            let again = try await stack.dataRequest(person.token, body)
            #expect(again.status == 409 && again.code == "request-open" && again["detail"].map { "\($0)".contains(firstID.lowercased()) } == true)
            #expect(try await stack.dataRequest(person.token, ["kind": "objection", "scope": "direct-marketing", "password": AccountsStack.password])
                .status == 202, "another scope is another request")
            let bad = try await stack.dataRequest(person.token, ["kind": "objection", "password": AccountsStack.password])
            #expect(bad.status == 422 && bad.code == "validation-failed")
            #expect(try await stack.dataRequest(person.token, ["kind": "gossip", "password": AccountsStack.password]).status == 422)

            for path in ["/v1/me/data-requests/\(firstID)", "/v1/me/exports/\(firstID)"] {
                #expect(try await http("GET", stack.url(path), token: other.token).status == 404, "\(path) is the person's own")
            }
            #expect(try await http("POST", stack.url("/v1/me/data-requests/\(firstID)/cancel"), token: other.token).status == 404)
            let cancelled = try await http("POST", stack.url("/v1/me/data-requests/\(firstID)/cancel"), token: person.token)
            #expect(cancelled.status == 200 && cancelled["status"] as? String == "cancelled")
            #expect((cancelled["parts"] as? [[String: Any]])?.allSatisfy { $0["state"] as? String == "cancelled" } == true)
            #expect(try await http("POST", stack.url("/v1/me/data-requests/\(firstID)/cancel"), token: person.token).code == "request-closed")
            #expect(try await stack.dataRequest(person.token, body).status == 202, "a new one once the first is closed")
            let listed = try await http("GET", stack.url("/v1/me/data-requests"), token: person.token)
            #expect((listed["items"] as? [[String: Any]])?.count == 3)

            // A disclosure to a third party, recorded by staff, is shown to the person only.
            let admin = try #require(try await stack.signIn(stack.adminEmail, AccountsStack.adminPassword)["token"] as? String)
            let disclosure: [String: any Sendable] = [
                "accountID": person.accountID, "recipient": "Customs authority of Nigeria", "purpose": "Import clearance inquiry",
                "legalBasis": "legal obligation", "dataCategories": ["company profile", "contact details"],
            ]
            #expect(try await http("POST", stack.url("/v1/admin/disclosures"), token: person.token, json: disclosure).status == 403)
            #expect(try await http("POST", stack.url("/v1/admin/disclosures"), token: admin, json: ["accountID": person.accountID, "dataCategories": [String]()] as [String: any Sendable])
                .status == 422)
            #expect(try await http("POST", stack.url("/v1/admin/disclosures"), token: admin, json: disclosure).status == 201)
            let seen = try await http("GET", stack.url("/v1/me/disclosures"), token: person.token)
            let item = try #require((seen["items"] as? [[String: Any]])?.first)
            #expect(item["recipient"] as? String == "Customs authority of Nigeria" && item["recordedBy"] == nil)
            #expect((try await http("GET", stack.url("/v1/me/disclosures"), token: other.token)["items"] as? [Any])?.isEmpty == true)

            // Staff see the open requests with the services not yet answered, and may extend a deadline within the law's limit.
            #expect(try await http("GET", stack.url("/v1/admin/data-requests"), token: person.token).status == 403)
            let queue = try await http("GET", stack.url("/v1/admin/data-requests?status=in-progress"), token: admin)
            let open = try #require((queue["items"] as? [[String: Any]])?.first { $0["accountID"] as? String == person.accountID })
            #expect((open["parts"] as? [[String: Any]])?.allSatisfy { $0["state"] as? String == "pending" } == true)
            let openID = try #require(open["id"] as? String)
            let received = try #require((open["receivedAt"] as? String).flatMap { try? Date($0, strategy: .iso8601) })
            let extend = { (months: Int) in
                try await http("POST", stack.url("/v1/admin/data-requests/\(openID)/extension"), token: admin, json: [
                    "reason": "Ten years of conversations take longer to export.",
                    "newDueAt": Calendar(identifier: .gregorian).date(byAdding: .month, value: months, to: received)!.formatted(.iso8601),
                ])
            }
            #expect(try await extend(4).status == 422, "at most two further months")
            let extended = try await extend(3)
            #expect(extended.status == 200 && extended["extensionReason"] as? String == "Ten years of conversations take longer to export.")
            let seenByPerson = try await http("GET", stack.url("/v1/me/data-requests/\(openID)"), token: person.token)
            #expect(seenByPerson["extensionReason"] as? String == "Ten years of conversations take longer to export.", "the person sees why")
            #expect(try await http("POST", stack.url("/v1/admin/data-requests/\(firstID)/extension"), token: admin, json: [
                "reason": "Too late.", "newDueAt": Date(timeIntervalSinceNow: 40 * 86400).formatted(.iso8601),
            ]).code == "request-closed")
        }
    }
}

extension DataRightsJourneyTests {
    @Test func aRestrictionStandsUntilLiftedAndOnlyWhatStandsCanBeLifted() async throws {
        try await AccountsStack.with(backends: [.matchmaking, .messaging, .marketing, .complaints, .dataRights]) { stack in
            let person = try await stack.company("purchaser")
            func standing() async throws -> [String: String] {
                let answer = try await http("GET", stack.url("/v1/me/restrictions"), token: person.token)
                return Dictionary(uniqueKeysWithValues: ((answer["items"] as? [[String: Any]]) ?? []).compactMap { item in
                    (item["scope"] as? String).map { ($0, item["state"] as? String ?? "") }
                })
            }
            #expect(try await standing().isEmpty)
            let nothing = try await http("DELETE", stack.url("/v1/me/restrictions/restriction"), token: person.token)
            #expect(nothing.status == 409 && nothing.code == "nothing-to-lift", "no restriction to lift: \(nothing.json)")

            let restriction = try await stack.dataRequest(person.token, ["kind": "restriction", "password": AccountsStack.password])
            let restrictionID = try #require(restriction["id"] as? String)
            _ = try await stack.waitForDataRequest(restrictionID, token: person.token, until: ["completed"])
            #expect(try await standing() == ["restriction": "in-force"])
            let noObjection = try await http("DELETE", stack.url("/v1/me/restrictions/profiling"), token: person.token)
            #expect(noObjection.status == 409 && noObjection.code == "nothing-to-lift", "never objected to profiling")

            let lift = try await http("DELETE", stack.url("/v1/me/restrictions/restriction"), token: person.token)
            #expect(lift.status == 202 && lift["lifting"] as? Bool == true)
            _ = try await stack.waitForDataRequest(try #require(lift["id"] as? String), token: person.token, until: ["completed"])
            #expect(try await standing().isEmpty, "lifted everywhere")
            #expect(try await http("DELETE", stack.url("/v1/me/restrictions/restriction"), token: person.token).code == "nothing-to-lift")
        }
    }
}
