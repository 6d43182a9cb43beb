import Foundation
import Glibc
import Testing
import TestSupport

/// The accounts features through the real gateway, broker, accounts process and database.
@Suite(.serialized, .integration) struct AccountsJourneyTests {
    @Test func registerSignInCorrectGetVerifiedSignOut() async throws {
        try await AccountsStack.with { stack in
            let email = "\(uniqueName("supplier"))@example.com"
            let key = UUID().uuidString
            let registered = try await stack.register(email, key: key)
            #expect(registered.status == 201)
            #expect(registered["verificationStatus"] as? String == "pending")
            let accountID = try #require(registered["id"] as? String)
            let retried = try await stack.register(email, key: key)
            #expect(retried.status == 201)
            #expect(retried["id"] as? String == accountID, "a retry with the same key gets the first account")
            let taken = try await stack.register(email.uppercased())
            #expect(taken.status == 409)
            #expect(taken.code == "email-taken")

            let signedIn = try await stack.signIn(email)
            #expect(signedIn.status == 201)
            let token = try #require(signedIn["token"] as? String)
            let sessionID = try #require(signedIn["sessionID"] as? String)

            let me = try await http("GET", stack.url("/v1/me"), token: token)
            #expect(me.status == 200)
            #expect(me["email"] as? String == email)
            #expect((me["capabilities"] as? [String: Any])?["publishProducts"] as? Bool == false)
            let corrected = try await http("PATCH", stack.url("/v1/me"), token: token, json: ["contactName": "Zhang Min (Jimmy)", "department": ""])
            #expect(corrected.status == 200)
            #expect(corrected["contactName"] as? String == "Zhang Min (Jimmy)")
            #expect(corrected["department"] == nil)

            // Staff approve the company; the supplier sees it and may now publish products.
            let supplierAsAdmin = try await http("GET", stack.url("/v1/admin/accounts?verificationStatus=pending"), token: token)
            #expect(supplierAsAdmin.status == 403)
            let adminSession = try await stack.signIn(stack.adminEmail, AccountsStack.adminPassword)
            let adminToken = try #require(adminSession["token"] as? String)
            let pending = try await http("GET", stack.url("/v1/admin/accounts?verificationStatus=pending"), token: adminToken)
            let pendingIDs = (pending["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
            #expect(pendingIDs == [accountID])
            let decision = try await http(
                "POST", stack.url("/v1/admin/accounts/\(accountID)/verification"), token: adminToken,
                json: ["decision": "approve", "reason": "Business licence checked"], headers: ["Idempotency-Key": UUID().uuidString])
            #expect(decision.status == 200)
            let verified = try await http("GET", stack.url("/v1/me"), token: token)
            #expect(verified["verificationStatus"] as? String == "approved")
            #expect((verified["capabilities"] as? [String: Any])?["publishProducts"] as? Bool == true)
            let companyID = try #require((verified["company"] as? [String: Any])?["id"] as? String)
            let card = try await http("GET", stack.url("/v1/companies/\(companyID)"))
            #expect(card.status == 200)
            #expect(card["verified"] as? Bool == true)
            #expect(Set(card.json.keys) == ["id", "name", "businessType", "industry", "country", "verified", "underReview"], "no personal data")

            // A second user sees only their own sessions and sign-ins, and cannot end the first's session.
            let otherEmail = "\(uniqueName("buyer"))@example.com"
            _ = try await stack.register(otherEmail, businessType: "purchaser")
            let otherToken = try #require(try await stack.signIn(otherEmail)["token"] as? String)
            let theirSessions = try await http("GET", stack.url("/v1/me/sessions"), token: otherToken)
            let theirSessionIDs = (theirSessions["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []
            #expect(theirSessionIDs.count == 1)
            #expect(!theirSessionIDs.contains(sessionID.lowercased()) && !theirSessionIDs.contains(sessionID.uppercased()))
            let stolen = try await http("DELETE", stack.url("/v1/me/sessions/\(sessionID)"), token: otherToken)
            #expect(stolen.status == 404)
            let theirLogins = try await http("GET", stack.url("/v1/me/logins"), token: otherToken)
            #expect((theirLogins["items"] as? [Any])?.count == 1)
            let myLogins = try await http("GET", stack.url("/v1/me/logins"), token: token)
            let first = (myLogins["items"] as? [[String: Any]])?.first
            #expect(first?["userAgent"] as? String == "JourneyTest/1.0")
            #expect(first?["ip"] as? String == "127.0.0.1")

            // Signing out kills the token at once.
            let signedOut = try await http("DELETE", stack.url("/v1/sessions/current"), token: token)
            #expect(signedOut.status == 204)
            let afterwards = try await http("GET", stack.url("/v1/me"), token: token)
            #expect(afterwards.status == 401)
        }
    }

    @Test func repeatedWrongPasswordsLockTheAccountFor423() async throws {
        try await AccountsStack.with { stack in
            let email = "\(uniqueName("locked"))@example.com"
            _ = try await stack.register(email)
            let unknown = try await stack.signIn("nobody-\(UUID())@example.com")
            for attempt in 1...3 {
                let wrong = try await stack.signIn(email, "wrong password number \(attempt)")
                #expect(wrong.status == 401)
                #expect(wrong.body == unknown.body || wrong.code == unknown.code, "unknown email and wrong password answer alike")
            }
            let locked = try await stack.signIn(email)
            #expect(locked.status == 423)
            #expect(locked.code == "account-locked")
            let unlocked = await eventually(timeout: .seconds(15), interval: .milliseconds(500)) {
                (try? await stack.signIn(email).status) == 201
            }
            #expect(unlocked, "the lock lifts after the cooling-off period")
            let metrics = try await httpGet("http://127.0.0.1:\(stack.accounts.opsPort)/metrics")
            let text = String(decoding: metrics.body, as: UTF8.self)
            for outcome in ["wrong-password", "account-locked", "unknown-email", "succeeded"] {
                #expect(text.contains("expo_sign_ins_total{outcome=\"\(outcome)\"}"), "\(outcome) counted on /metrics")
            }
        }
    }

    @Test func badInputGetsAClear4xxAndChangesNothing() async throws {
        try await AccountsStack.with(gateways: [["EXPO_MAX_BODY_BYTES": "4096"]]) { stack in
            let url = stack.url("/v1/accounts")
            // The first admin's account and its event are all there is before.
            let accountsBefore = try await stack.count("accounts")
            let eventsBefore = try await stack.count("outbox")
            let cases: [(String, Data, Int)] = [
                ("wrong types", Data(#"{"email": ["a"], "password": 12345678901234}"#.utf8), 400),
                ("invalid UTF-8", Data([0x7B, 0x22, 0x65, 0x6D, 0x61, 0x69, 0x6C, 0x22, 0x3A, 0x22, 0xC3, 0x28, 0x22, 0x7D]), 400),
                ("not JSON", Data("DROP TABLE accounts".utf8), 400),
                ("missing fields", Data(#"{"email": "someone@example.com"}"#.utf8), 422),
                ("huge body", Data(("{\"companyName\": \"" + String(repeating: "x", count: 100_000) + "\"}").utf8), 413),
                ("control characters", Data(#"{"email":"a@b.example","password":"correct horse battery staple 42","companyName":"Nul\u0000Co","businessType":"supplier","industry":"x","country":"CN","contactName":"x","telephone":"+86 1234567"}"#.utf8), 422),
            ]
            for (name, body, status) in cases {
                let answer = try await http("POST", url, body: body)
                #expect(answer.status == status, "\(name): \(String(decoding: answer.body, as: UTF8.self).prefix(300))")
                #expect(answer.headers["content-type"] == "application/problem+json", "\(name)")
                #expect(answer.code != nil, "\(name) has a machine code")
            }
            let missing = try await http("POST", url, body: Data(#"{"email": "someone@example.com"}"#.utf8))
            let fields = Set(((missing["errors"] as? [[String: Any]]) ?? []).compactMap { $0["field"] as? String })
            #expect(fields.isSuperset(of: ["password", "companyName", "businessType", "industry", "country", "contactName", "telephone"]))
            #expect(try await stack.count("accounts") == accountsBefore)
            #expect(try await stack.count("outbox") == eventsBefore)

            // Text that looks like SQL is only text.
            let sqlish = try await http("POST", url, json: [
                "email": "\(uniqueName("o'brien"))@example.com", "password": AccountsStack.password,
                "companyName": "x'; DROP TABLE accounts; --", "businessType": "purchaser", "industry": "' OR '1'='1",
                "country": "IE", "contactName": "Seán O'Brien", "telephone": "+353 1 234 5678",
            ])
            #expect(sqlish.status == 201)
            #expect((sqlish["company"] as? [String: Any])?["name"] as? String == "x'; DROP TABLE accounts; --")
            #expect(try await stack.count("accounts") == accountsBefore + 1)
        }
    }

    @Test func signingOutOnOneGatewayRevokesTheCachedTokenOnEveryOther() async throws {
        let cached = ["EXPO_TOKEN_CACHE_SECONDS": "120"]
        try await AccountsStack.with(gateways: [cached, cached.merging(["EXPO_SIGN_IN_RATE_LIMIT_PER_MINUTE": "6"]) { $1 }]) { stack in
            let email = "\(uniqueName("roaming"))@example.com"
            _ = try await stack.register(email)
            let token = try #require(try await stack.signIn(email)["token"] as? String)
            for gateway in 0...1 {
                let me = try await http("GET", stack.url("/v1/me", gateway: gateway), token: token)
                #expect(me.status == 200)
            }
            // With accounts frozen, the second gateway still accepts the token from its cache...
            stack.accounts.signal(SIGSTOP)
            let fromCache = try await http("GET", stack.url("/health/live", gateway: 1), token: token, timeout: 5)
            stack.accounts.signal(SIGCONT)
            #expect(fromCache.status == 200)
            // ...and forgets it as soon as the first gateway signs the session out, long before the cache would.
            let signedOut = try await http("DELETE", stack.url("/v1/sessions/current", gateway: 0), token: token)
            #expect(signedOut.status == 204)
            let revoked = await eventually(timeout: .seconds(10), interval: .milliseconds(100)) {
                (try? await http("GET", stack.url("/health/live", gateway: 1), token: token).status) == 401
            }
            #expect(revoked)

            // The second gateway limits sign-in attempts per client: a burst of 2, then 429.
            var statuses: [Int] = []
            for _ in 0..<3 { statuses.append(try await stack.signIn(email, "wrong password again", gateway: 1).status) }
            #expect(statuses == [401, 401, 429])
            let limited = try await stack.signIn(email, gateway: 1)
            #expect(limited.status == 429)
            #expect(Int(limited.headers["retry-after"] ?? "") ?? 0 >= 1)
        }
    }
}
