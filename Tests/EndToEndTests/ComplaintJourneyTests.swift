import Foundation
import Testing
import TestSupport

/// A dispute through the real gateway, accounts, messaging and complaints processes: filed about a
/// conversation, negotiated, escalated by the service's own timer, assigned and decided by staff,
/// the decision seen by both parties.
@Suite(.serialized, .integration) struct ComplaintJourneyTests {
    @Test func aDisputeIsNegotiatedEscalatedOnTheClockAndDecidedAndBothPartiesSeeTheDecision() async throws {
        try await AccountsStack.with(backends: [.messaging, .complaints, .marketing], environment: ["EXPO_COMPLAINT_TIMER_SECONDS": "1"]) { stack in
            let purchaser = try await stack.company("purchaser")
            let supplier = try await stack.company("supplier")
            let outsider = try await stack.company("purchaser")
            let opened = try await stack.openConversation(purchaser.token, with: supplier.companyID, text: "Where are the 300 pumps we paid for?")
            let conversationID = try #require(opened["id"] as? String)

            let filed = try await stack.fileComplaint(purchaser.token, against: supplier.companyID, about: conversationID)
            #expect(filed.status == 201 && filed["status"] as? String == "negotiating")
            let id = try #require(filed["id"] as? String)
            #expect(try await stack.fileComplaint(outsider.token, against: supplier.companyID, about: conversationID, wait: false).code == "not-a-party")

            // The supplier is told live and by mail.
            let told = await eventually(timeout: .seconds(30), interval: .milliseconds(200)) {
                let notifications = try? await http("GET", stack.url("/v1/me/notifications"), token: supplier.token)
                return (notifications?["items"] as? [[String: Any]])?.contains { $0["type"] as? String == "complaint-filed" } == true
            }
            #expect(told)
            let mails = try await MailSink.waitForMails(to: supplier.email, count: 2, timeout: .seconds(60))
            #expect(mails.contains { $0.header("Subject") == "A complaint was filed against your company on Online Expo" }, "after the address check")

            // Negotiation: the supplier answers and offers half; the purchaser refuses.
            let act = { (token: String, body: [String: any Sendable]) in try await http("POST", stack.url("/v1/complaints/\(id)/actions"), token: token, json: body) }
            #expect(try await act(supplier.token, ["action": "reply", "text": "A customs hold; shipping next week."]).status == 200)
            let offer = try await act(supplier.token, [
                "action": "propose", "proposal": ["outcome": "partial-refund", "amount": ["amount": 1500, "currency": "USD"] as [String: any Sendable]] as [String: any Sendable],
            ])
            #expect(offer.status == 200)
            #expect(try await act(purchaser.token, ["action": "reject", "text": "Full refund or nothing."]).status == 200)
            let early = try await act(purchaser.token, ["action": "escalate"])
            #expect(early.status == 409 && early.code == "transition-not-allowed")
            for path in ["/v1/complaints/\(id)", "/v1/complaints/\(id)/events"] {
                #expect(try await http("GET", stack.url(path), token: outsider.token).status == 404, "\(path) is the parties'")
            }

            // The negotiation window ends (its deadline moved, as a week would): the service's timer escalates it.
            try await TestDatabase.adminExecute("""
                UPDATE \(stack.schema(of: .complaints)).complaints SET negotiation_ends_at = now() - interval '1 second' WHERE id = '\(id)'
                """)
            let escalated = await eventually(timeout: .seconds(30), interval: .milliseconds(200)) {
                (try? await http("GET", stack.url("/v1/complaints/\(id)"), token: purchaser.token))?["status"] as? String == "escalated"
            }
            #expect(escalated)

            // Staff take it, decide, and both parties see the decision with its reason.
            let admin = try #require(try await stack.signIn(stack.adminEmail, AccountsStack.adminPassword)["token"] as? String)
            let queue = try await http("GET", stack.url("/v1/admin/complaints?status=escalated"), token: admin)
            #expect((queue["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [id])
            #expect(try await http("GET", stack.url("/v1/admin/complaints"), token: supplier.token).status == 403)
            #expect(try await http("POST", stack.url("/v1/admin/complaints/\(id)/assignment"), token: admin)["status"] as? String == "under-review")
            #expect(try await http("POST", stack.url("/v1/admin/complaints/\(id)/notes"), token: admin, json: ["text": "Bank statement checked."]).status == 201)
            let decided = try await http("POST", stack.url("/v1/admin/complaints/\(id)/decision"), token: admin, json: [
                "outcome": "refund", "amount": ["amount": 3000, "currency": "USD"] as [String: any Sendable], "reason": "Paid and not shipped within the agreed time.",
            ])
            #expect(decided.status == 200 && decided["status"] as? String == "decided")
            for party in [purchaser, supplier] {
                let seen = try await http("GET", stack.url("/v1/complaints/\(id)"), token: party.token)
                let decision = seen["decision"] as? [String: Any]
                #expect(decision?["outcome"] as? String == "refund" && decision?["reason"] as? String == "Paid and not shipped within the agreed time.")
                #expect(seen["staffNotes"] == nil && !String(decoding: seen.body, as: UTF8.self).contains("Bank statement"))
            }
            let timeline = try await http("GET", stack.url("/v1/complaints/\(id)/events"), token: supplier.token)
            let kinds = (timeline["items"] as? [[String: Any]])?.compactMap { $0["kind"] as? String }
            #expect(kinds == ["filed", "replied", "proposed", "rejected", "escalated", "assigned", "decided"])
        }
    }
}

extension AccountsStack {
    /// Files a delivery complaint about a conversation, again while complaints answers that it has
    /// not learnt of the conversation from messaging's event yet (422 `not-a-party`, which changes nothing).
    func fileComplaint(_ token: String, against companyID: String, about conversationID: String, wait: Bool = true) async throws -> HTTPAnswer {
        let complaint: [String: any Sendable] = [
            "againstCompanyID": companyID, "subject": ["kind": "conversation", "id": conversationID] as [String: any Sendable],
            "category": "delivery", "description": "Paid on 1 December, nothing shipped.", "desiredOutcome": "Refund",
        ]
        var answer = try await http("POST", url("/v1/complaints"), token: token, json: complaint)
        let deadline = ContinuousClock.now + .seconds(30)
        while wait, answer.code == "not-a-party", ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
            answer = try await http("POST", url("/v1/complaints"), token: token, json: complaint)
        }
        return answer
    }
}
