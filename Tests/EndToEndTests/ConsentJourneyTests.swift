import Foundation
import Testing
import TestSupport

/// Cookie choices through the gateway: a browser's without sign-in, the person's merged into the
/// account, asked again after a substantial policy change, and announced to matchmaking, which
/// collects analytics and personalization data.
@Suite(.serialized, .integration) struct ConsentJourneyTests {
    @Test func choicesAreKeptPerBrowserAndAccountUnderThePolicyInForceAndAskedAgainAfterASubstantialChange() async throws {
        try await AccountsStack.with(backends: [.dataRights, .matchmaking]) { stack in
            let policy = try await http("GET", stack.url("/v1/privacy-policy"))
            let version = try #require(policy["version"] as? String)
            let visitor = UUID().uuidString
            let browser = try await http("PUT", stack.url("/v1/consents/\(visitor)"), json: [
                "analytics": true, "personalization": false, "policyVersion": version,
            ])
            #expect(browser.status == 200 && browser["essential"] as? Bool == true && browser["analytics"] as? Bool == true)
            #expect(try await http("PUT", stack.url("/v1/consents/\(visitor)"), json: [
                "essential": false, "analytics": true, "personalization": false, "policyVersion": version,
            ]).status == 422, "essential cookies cannot be refused")
            #expect(try await http("PUT", stack.url("/v1/consents/\(visitor)"), json: [
                "analytics": true, "personalization": false, "policyVersion": "0.9-draft",
            ]).code == "policy-version-outdated")

            // Signed in: nothing chosen yet, then the browser's choices become the account's.
            let person = try await stack.company("purchaser")
            #expect(try await http("GET", stack.url("/v1/me/consents"), token: person.token)["consentRequired"] as? Bool == true)
            // `GET /v1/me` says the same, from data-rights' events (so after them).
            let meAsks = { (expected: Bool) in
                await eventually(timeout: .seconds(30)) {
                    (try? await http("GET", stack.url("/v1/me"), token: person.token))?["consentRequired"] as? Bool == expected
                }
            }
            #expect(await meAsks(true), "no choice yet")
            let mine = try await http("PUT", stack.url("/v1/me/consents"), token: person.token, json: [
                "analytics": false, "personalization": true, "policyVersion": version, "visitorID": visitor,
            ])
            #expect(mine.status == 200 && mine["personalization"] as? Bool == true && mine["consentRequired"] as? Bool == false)
            let announced = await eventually(timeout: .seconds(30), interval: .milliseconds(100)) {
                (try? await TestDatabase.adminCount("""
                    SELECT count(*) FROM \(stack.schema(of: .matchmaking)).consents WHERE subject_id = '\(person.accountID)' AND personalization AND NOT analytics
                    """)) == 1
            }
            #expect(announced, "matchmaking honours the account's choices")
            #expect(await meAsks(false), "chosen under the policy in force")

            // A substantial change asks again; a minor one does not.
            let admin = try #require(try await stack.signIn(stack.adminEmail, AccountsStack.adminPassword)["token"] as? String)
            #expect(try await http("POST", stack.url("/v1/admin/privacy-policy"), token: person.token,
                                   json: ["version": "2", "substantial": true]).status == 403)
            #expect(try await http("POST", stack.url("/v1/admin/privacy-policy"), token: admin,
                                   json: ["version": "1.1", "summary": "Typos corrected.", "substantial": false]).status == 201)
            #expect(try await http("GET", stack.url("/v1/me/consents"), token: person.token)["consentRequired"] as? Bool == false)
            #expect(try await http("POST", stack.url("/v1/admin/privacy-policy"), token: admin,
                                   json: ["version": "2", "summary": "Analytics kept 13 months.", "substantial": true]).status == 201)
            #expect(try await http("POST", stack.url("/v1/admin/privacy-policy"), token: admin,
                                   json: ["version": "2", "substantial": true]).code == "policy-version-exists")
            #expect(try await http("GET", stack.url("/v1/privacy-policy"))["version"] as? String == "2")
            #expect(try await http("GET", stack.url("/v1/me/consents"), token: person.token)["consentRequired"] as? Bool == true)
            #expect(await meAsks(true), "a substantial change asks again")
            let renewed = try await http("PUT", stack.url("/v1/me/consents"), token: person.token, json: [
                "analytics": false, "personalization": false, "policyVersion": "2",
            ])
            #expect(renewed["consentRequired"] as? Bool == false && renewed["policyVersion"] as? String == "2")
            #expect(await meAsks(false))
        }
    }
}
