import Foundation
import HummingbirdWSClient
import Testing
import TestSupport

/// Conversations through real gateways, broker, accounts and messaging processes, with real
/// WebSocket clients on two gateway replicas: what one sends, the other sees live.
@Suite(.serialized, .integration) struct MessagingJourneyTests {
    @Test func twoCompaniesTalkLiveAcrossGatewayReplicasAndAReconnectMissesNothing() async throws {
        try await AccountsStack.with(gateways: [[:], [:]], backends: [.messaging]) { stack in
            let purchaser = try await stack.company("purchaser")
            let supplier = try await stack.company("supplier")
            let supplierLive = try await LiveClient.open(stack, token: supplier.token, gateway: 1)
            var purchaserLive = try await LiveClient.open(stack, token: purchaser.token, gateway: 0)
            try await supplierLive.wait { $0.contains { $0["type"] as? String == "live.ready" } }
            try await purchaserLive.wait { $0.contains { $0["type"] as? String == "live.ready" } }

            // The purchaser asks; the supplier, on the other replica, sees it at once.
            let opened = try await stack.openConversation(purchaser.token, with: supplier.companyID, text: "Do you ship gear pumps to Lagos?")
            #expect(opened.status == 201)
            let conversationID = try #require(opened["id"] as? String)
            let firstID = try #require((opened["lastMessage"] as? [String: any Sendable])?["id"] as? String)
            try await supplierLive.wait { frames in frames.contains { Self.text(of: $0) == "Do you ship gear pumps to Lagos?" } }

            // The supplier reads it: the purchaser gets the receipt. Its answer arrives live too.
            let read = try await http("POST", stack.url("/v1/conversations/\(conversationID)/read", gateway: 1), token: supplier.token,
                                      json: ["upTo": firstID])
            #expect(read.status == 204)
            try await purchaserLive.wait { frames in
                frames.contains { $0["type"] as? String == "message.read" && ($0["data"] as? [String: any Sendable])?["upTo"] as? String == firstID }
            }
            #expect(try await stack.send(supplier.token, conversationID, "Yes, CIF Lagos, 21 days.", gateway: 1).status == 201)
            try await purchaserLive.wait { frames in frames.contains { Self.text(of: $0) == "Yes, CIF Lagos, 21 days." } }

            // Offline, then back with `since`: what was missed comes once, in order, and then live again.
            let seen = try #require(purchaserLive.cursors.max())
            await purchaserLive.close()
            for text in ["Price list attached.", "MOQ is 500 pieces."] {
                #expect(try await stack.send(supplier.token, conversationID, text, gateway: 1).status == 201)
            }
            purchaserLive = try await LiveClient.open(stack, token: purchaser.token, since: seen, gateway: 1)
            try await purchaserLive.wait { frames in frames.contains { $0["type"] as? String == "live.ready" } }
            #expect(try await stack.send(supplier.token, conversationID, "Samples ship on Monday.", gateway: 0).status == 201)
            try await purchaserLive.wait { frames in frames.contains { Self.text(of: $0) == "Samples ship on Monday." } }
            let texts = purchaserLive.frames("message.created").compactMap(Self.text)
            #expect(texts == ["Price list attached.", "MOQ is 500 pieces.", "Samples ship on Monday."])
            let cursors = purchaserLive.frames.filter { $0["type"] as? String != "live.ready" }.compactMap { $0["cursor"] as? Int }
            #expect(cursors == Array((seen + 1)...(seen + cursors.count)), "every entry after since, once, in order")

            // A block stops messages both ways; after the unblock they flow again, and nothing blocked was delivered.
            #expect(try await http("POST", stack.url("/v1/blocks"), token: purchaser.token, json: ["companyID": supplier.companyID]).status == 201)
            let fromSupplier = try await stack.send(supplier.token, conversationID, "Are you still there?", gateway: 1)
            let fromPurchaser = try await stack.send(purchaser.token, conversationID, "Spam!")
            #expect(fromSupplier.status == 403 && fromSupplier.code == "blocked")
            #expect(fromPurchaser.status == 403 && fromPurchaser.code == "blocked")
            #expect(try await http("DELETE", stack.url("/v1/blocks/\(supplier.companyID)"), token: purchaser.token).status == 204)
            #expect(try await stack.send(supplier.token, conversationID, "Unblocked now.", gateway: 1).status == 201)
            try await purchaserLive.wait { frames in frames.contains { Self.text(of: $0) == "Unblocked now." } }
            let allTexts = purchaserLive.frames("message.created").compactMap(Self.text) + supplierLive.frames("message.created").compactMap(Self.text)
            #expect(!allTexts.contains("Are you still there?") && !allTexts.contains("Spam!"))

            // A client that sends garbage is closed with 1003; the other socket is untouched.
            purchaserLive.send(.binary)
            #expect(try await purchaserLive.closedByServer()?.closeCode == .unacceptableData)
            #expect(try await stack.send(purchaser.token, conversationID, "Still here, other socket.").status == 201)
            try await supplierLive.wait { frames in frames.contains { Self.text(of: $0) == "Still here, other socket." } }

            // Signing out closes that session's socket.
            #expect(try await http("DELETE", stack.url("/v1/sessions/current", gateway: 1), token: supplier.token).status == 204)
            #expect(try await supplierLive.closedByServer()?.closeCode == .policyViolation)
        }
    }

    @Test func aSocketNeedsAFreshTicketAndAValidSince() async throws {
        try await AccountsStack.with(backends: [.messaging]) { stack in
            let purchaser = try await stack.company("purchaser")
            #expect(try await http("GET", stack.url("/v1/live")).status == 426, "not a WebSocket request")
            #expect(try await http("GET", stack.url("/v1/live?ticket=x&since=-1")).status == 422)
            #expect(try await http("POST", stack.url("/v1/live/tickets")).status == 401, "tickets are for signed-in sessions")

            let refused = LiveClient(url: "ws://127.0.0.1:\(stack.ports[0])/v1/live?ticket=not-a-ticket")
            await #expect(throws: WebSocketClientError.self) { try await refused.ended.value }

            let ticket = try #require(try await http("POST", stack.url("/v1/live/tickets"), token: purchaser.token)["ticket"] as? String)
            let first = LiveClient(url: "ws://127.0.0.1:\(stack.ports[0])/v1/live?ticket=\(ticket)")
            try await first.wait { $0.contains { $0["type"] as? String == "live.ready" } }
            let reused = LiveClient(url: "ws://127.0.0.1:\(stack.ports[0])/v1/live?ticket=\(ticket)")
            await #expect(throws: WebSocketClientError.self, "a ticket opens one socket") { try await reused.ended.value }
            await first.close()
        }
    }

    static func text(of frame: [String: any Sendable]) -> String? {
        guard frame["type"] as? String == "message.created" else { return nil }
        return (frame["data"] as? [String: any Sendable])?["text"] as? String
    }
}

extension AccountsStack {
    /// Opens a conversation, again while messaging answers that a company's registration has not
    /// reached it yet (409 `company-not-ready` for the caller's, 404 for the other's; neither
    /// changes anything).
    func openConversation(_ token: String, with companyID: String, text: String) async throws -> HTTPAnswer {
        let request: [String: any Sendable] = ["companyID": companyID, "text": text]
        var answer = try await http("POST", url("/v1/conversations"), token: token, json: request)
        let deadline = ContinuousClock.now + .seconds(30)
        while answer.code == "company-not-ready" || answer.status == 404, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
            answer = try await http("POST", url("/v1/conversations"), token: token, json: request)
        }
        return answer
    }

    func send(_ token: String, _ conversationID: String, _ text: String, gateway: Int = 0) async throws -> HTTPAnswer {
        try await http("POST", url("/v1/conversations/\(conversationID)/messages", gateway: gateway), token: token, json: ["text": text])
    }
}
