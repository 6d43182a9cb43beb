import Foundation
import Testing
import TestSupport

/// A request that reached support by telephone: staff enter it, the subject confirms it with the
/// code mailed to the registered address (the clock paused until then), forged codes learn
/// nothing, unconfirmed requests expire after 7 days, and denials, extensions and corrections reach
/// the person with their reasons.
@Suite(.serialized, .integration) struct AssistedDataRequestJourneyTests {
    @Test func aRequestByTelephoneIsConfirmedByTheMailedCodeAndAnUnconfirmedOneExpires() async throws {
        try await AccountsStack.with(backends: [.marketing, .dataRights]) { stack in
            let person = try await stack.company("purchaser")
            let admin = try #require(try await stack.signIn(stack.adminEmail, AccountsStack.adminPassword)["token"] as? String)
            try await stack.waitUntilMarketingKnows(person.accountID)
            let enter = { (body: [String: any Sendable], token: String) in
                try await http("POST", stack.url("/v1/admin/data-requests"), token: token, json: body)
            }
            let byPhone: [String: any Sendable] = [
                "kind": "access", "email": person.email.uppercased(), "channel": "phone", "note": "Called from the number on file.",
            ]

            // Staff only, for an address an account uses, through a channel staff take.
            #expect(try await enter(byPhone, person.token).status == 403)
            let unknown = try await enter(["kind": "access", "email": uniqueAddress("nobody"), "channel": "phone"], admin)
            #expect(unknown.status == 404, "staff learn that no account uses the address")
            #expect(try await enter(["kind": "access", "email": person.email, "channel": "platform"], admin).fieldErrors == ["channel"])
            let entered = try await enter(byPhone, admin)
            #expect(entered.status == 202 && entered["status"] as? String == "unverified" && entered["channel"] as? String == "phone")
            #expect(entered["overdue"] as? Bool == false && entered["verifyBy"] != nil && entered["accountID"] as? String == person.accountID)
            let enteredID = try #require(entered["id"] as? String)
            #expect(try await enter(byPhone, admin).code == "request-open", "one open request of a kind, whoever entered it")
            let mine = try await http("GET", stack.url("/v1/me/data-requests/\(enteredID)"), token: person.token)
            #expect(mine["status"] as? String == "unverified", "the person sees it")
            let extendUnverified = try await http("POST", stack.url("/v1/admin/data-requests/\(enteredID)/extension"), token: admin, json: [
                "reason": "More time.", "newDueAt": Date(timeIntervalSinceNow: 40 * 86400).formatted(.iso8601),
            ])
            #expect(extendUnverified.status == 409 && extendUnverified.code == "request-unverified", "its clock has not started")

            let code = try await mailedCode(for: enteredID, to: person.email)
            // Three days pass before the person confirms: the month counts from the confirmation, not the call.
            try await TestDatabase.adminExecute("""
                UPDATE \(stack.schema(of: .dataRights)).data_requests SET received_at = received_at - interval '3 days' WHERE id = '\(enteredID)'
                """)
            let verify = { (id: String, code: String) in
                try await http("POST", stack.url("/v1/data-requests/\(id)/verification"), json: ["code": code])
            }
            // Forged codes: a wrong one, the right one for another request, a malformed id all look the same.
            let wrongCode = code == "00000000" ? "11111111" : "00000000"
            let refusals = [
                try await verify(enteredID, wrongCode), try await verify(UUID().uuidString, code), try await verify("not-an-id", code),
                try await verify(enteredID, "12ab"),
            ]
            #expect(refusals.allSatisfy { $0.status == 404 }, "\(refusals.map(\.status))")
            #expect(Set(refusals.map { "\($0["title"] ?? "") \($0["detail"] ?? "")" }).count == 1, "no oracle")
            let confirmed = try await verify(enteredID, code)
            #expect(confirmed.status == 200 && ["in-progress", "waiting-for-services"].contains(confirmed["status"] as? String))
            let due = try #require((confirmed["dueAt"] as? String).flatMap { try? Date($0, strategy: .iso8601) })
            let received = try #require((confirmed["receivedAt"] as? String).flatMap { try? Date($0, strategy: .iso8601) })
            #expect(due > Calendar(identifier: .gregorian).date(byAdding: .month, value: 1, to: received)!.addingTimeInterval(2 * 86400),
                    "the clock was paused while unverified")
            #expect(try await verify(enteredID, code).status == 200, "a retried confirmation answers the request as it stands")

            // An extension is mailed with its reason.
            let extended = try await http("POST", stack.url("/v1/admin/data-requests/\(enteredID)/extension"), token: admin, json: [
                "reason": "The telephone records need a second check.", "newDueAt": due.addingTimeInterval(14 * 86400).formatted(.iso8601),
            ])
            #expect(extended.status == 200)
            let extensionMail = try await MailSink.waitForMail(to: person.email, subject: "Your data-protection request needs more time")
            #expect(extensionMail.text?.contains("The telephone records need a second check.") == true)

            // A denial names one of the policy's exceptions; the person sees it and is mailed it.
            let erasure = try await enter(["kind": "erasure", "email": person.email, "channel": "form"], admin)
            let erasureID = try #require(erasure["id"] as? String)
            let deny = { (body: [String: any Sendable]) in
                try await http("POST", stack.url("/v1/admin/data-requests/\(erasureID)/denial"), token: admin, json: body)
            }
            #expect(try await deny(["reason": "Because.", "legalGround": "we-said-so"]).fieldErrors == ["legalGround"])
            #expect(try await deny(["legalGround": "law-enforcement"]).fieldErrors == ["reason"])
            let denied = try await deny(["reason": "The account is part of a criminal investigation.", "legalGround": "law-enforcement"])
            #expect(denied.status == 200 && denied["status"] as? String == "denied")
            let seen = try await http("GET", stack.url("/v1/me/data-requests/\(erasureID)"), token: person.token)
            let denial = try #require(seen["denial"] as? [String: Any])
            #expect(denial["legalGround"] as? String == "law-enforcement" && denial["reason"] as? String == "The account is part of a criminal investigation.")
            #expect(try await deny(["reason": "Again.", "legalGround": "law-enforcement"]).code == "request-closed")
            let denialMail = try await MailSink.waitForMail(to: person.email, subject: "Your data-protection request was denied")
            #expect(denialMail.text?.contains("The account is part of a criminal investigation.") == true)
            #expect(try await verify(erasureID, try await mailedCode(for: erasureID, to: person.email)).status == 404,
                    "a denied request cannot be confirmed")

            // A rectification says what is wrong; staff correct it and record how, and the person is told.
            let rectify = { (body: [String: any Sendable]) in try await stack.dataRequest(person.token, body) }
            #expect(try await rectify(["kind": "rectification", "password": AccountsStack.password]).fieldErrors == ["details"])
            let rectification = try await rectify([
                "kind": "rectification", "password": AccountsStack.password,
                "details": "My company's registration number is wrong.\nIt is 91330200MA2H3X4Y5Z, as on the certificate.",
            ])
            #expect(rectification.status == 202 && rectification["status"] as? String == "in-progress" && (rectification["parts"] as? [Any])?.isEmpty == true,
                    "no service is asked: staff correct it")
            let rectificationID = try #require(rectification["id"] as? String)
            let resolve = { (id: String, body: [String: any Sendable]) in
                try await http("POST", stack.url("/v1/admin/data-requests/\(id)/resolution"), token: admin, json: body)
            }
            #expect(try await resolve(enteredID, ["resolution": "Done."]).code == "answered-by-services", "the services answer an access request")
            #expect(try await resolve(rectificationID, [:]).fieldErrors == ["resolution"])
            #expect(try await http("POST", stack.url("/v1/admin/data-requests/\(rectificationID)/resolution"), token: person.token,
                                   json: ["resolution": "Done myself."]).status == 403)
            let resolved = try await resolve(rectificationID, ["resolution": "The registration number now reads 91330200MA2H3X4Y5Z."])
            #expect(resolved.status == 200 && resolved["status"] as? String == "completed")
            let seenResolved = try await http("GET", stack.url("/v1/me/data-requests/\(rectificationID)"), token: person.token)
            #expect(seenResolved["resolution"] as? String == "The registration number now reads 91330200MA2H3X4Y5Z.")
            let resolutionMail = try await MailSink.waitForMail(to: person.email, subject: "We corrected your data")
            #expect(resolutionMail.text?.contains("The registration number now reads 91330200MA2H3X4Y5Z.") == true)

            // Five wrong codes void a request's code; an unconfirmed request expires after 7 days.
            let objection = try await enter(["kind": "objection", "scope": "profiling", "email": person.email, "channel": "email"], admin)
            let objectionID = try #require(objection["id"] as? String)
            let objectionCode = try await mailedCode(for: objectionID, to: person.email)
            for _ in 1...5 { _ = try await verify(objectionID, objectionCode == "00000000" ? "11111111" : "00000000") }
            #expect(try await verify(objectionID, objectionCode).status == 404, "guessing ends after five tries")
            try await TestDatabase.adminExecute("""
                UPDATE \(stack.schema(of: .dataRights)).data_requests SET received_at = received_at - interval '8 days' WHERE id = '\(objectionID)'
                """)
            let expired = await eventually(timeout: .seconds(30)) {
                (try? await http("GET", stack.url("/v1/me/data-requests/\(objectionID)"), token: person.token))?["status"] as? String == "expired"
            }
            #expect(expired, "an unconfirmed request expires")
            let trail = try await TestDatabase.adminRows("""
                SELECT actor || ' ' || event FROM \(stack.schema(of: .dataRights)).data_request_events WHERE request_id = '\(objectionID)' ORDER BY sequence
                """)
            #expect(trail.filter { $0 == "platform wrong verification code" }.count == 5 && trail.last == "platform expired", "\(trail)")
            // The trail as an auditor reads it: every step of the period as CSV.
            let period = "from=\(Date(timeIntervalSinceNow: -3600).formatted(.iso8601))&to=\(Date(timeIntervalSinceNow: 60).formatted(.iso8601))"
                .replacingOccurrences(of: "+", with: "%2B")
            #expect(try await http("GET", stack.url("/v1/admin/audit-trail?\(period)"), token: person.token).status == 403)
            #expect(try await http("GET", stack.url("/v1/admin/audit-trail?from=yesterday"), token: admin).fieldErrors == ["from", "to"])
            let audit = try await http("GET", stack.url("/v1/admin/audit-trail?\(period)"), token: admin)
            #expect(audit.status == 200 && audit.headers["content-type"]?.hasPrefix("text/csv") == true)
            let rows = String(decoding: audit.body, as: UTF8.self).components(separatedBy: "\r\n").filter { !$0.isEmpty }
            #expect(rows.first == "sequence,at,request_id,account_id,kind,channel,actor,event,detail")
            let objectionRows = rows.filter { $0.contains("\"\(objectionID.lowercased())\"") }
            #expect(objectionRows.count == trail.count && objectionRows.last?.contains("\"objection\",\"email\",\"platform\",\"expired\"") == true,
                    "\(objectionRows.last ?? "")")
            #expect(rows.contains { $0.contains("\"\(enteredID.lowercased())\"") && $0.contains("\"deadline extended\"") })
            // The code is not kept anywhere readable: only its hash, and no outbox row holds it.
            let stored = try await TestDatabase.adminRows("""
                SELECT count(*)::text FROM \(stack.schema(of: .dataRights)).outbox WHERE convert_from(body, 'UTF8') LIKE '%\(objectionCode)%'
                """)
            #expect(stored == ["0"])
        }
    }

    /// The code in the mail about `requestID` (its link names the request).
    func mailedCode(for requestID: String, to address: String) async throws -> String {
        var found: String?
        let arrived = await eventually(timeout: .seconds(30)) {
            let mail = (try? MailSink.mails(to: address))?.first { $0.text?.contains("/privacy/data-requests/\(requestID.lowercased())/verify") == true }
            found = mail?.text?.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
                .first { $0.count == 8 && $0.allSatisfy { $0.isASCII && $0.isNumber } }
            return found != nil
        }
        guard arrived, let found else { throw TestFailure("no code was mailed for \(requestID)") }
        return found
    }
}
