import Foundation
import HummingbirdWSClient
import Testing
import TestSupport

/// A company as a team through the real gateway, broker, accounts, matchmaking, messaging and
/// marketing processes and the SMTP sink: an invited colleague acts for the company everywhere,
/// and loses that at once when removed.
@Suite(.serialized, .integration) struct CompanyTeamJourneyTests {
    @Test func anInvitedColleagueAnswersTheCompanysConversationEditsItsProductAndLosesAccessWhenRemoved() async throws {
        try await AccountsStack.with(backends: [.matchmaking, .messaging, .marketing]) { stack in
            let supplier = try await stack.company("supplier")
            let purchaser = try await stack.company("purchaser")
            try await stack.waitForExhibitor(supplier.companyID)
            let draft = try await http("POST", stack.url("/v1/products"), token: supplier.token, json: MatchmakingJourneyTests.pump(status: "draft"))
            let productID = try #require(draft["id"] as? String)
            let opened = try await stack.openConversation(purchaser.token, with: supplier.companyID, text: "Can you quote 300 gear pumps?")
            let conversationID = try #require(opened["id"] as? String)

            // The admin invites a colleague, who registers through the mailed link.
            let email = uniqueAddress("colleague")
            let invited = try await http("POST", stack.url("/v1/me/company/invitations"), token: supplier.token, json: ["email": email])
            #expect(invited.status == 201 && invited["role"] as? String == "member")
            let mail = try #require(try await MailSink.waitForMails(to: email, timeout: .seconds(60)).first)
            #expect(mail.header("Subject") == "Zhang Min invites you to join Ningbo Industrial Robots Co. on Online Expo")
            let link = try #require(MailJourneyTests.token(in: mail.text, path: "/join-company"))
            let joined = try await http("POST", stack.url("/v1/company-invitations/\(link)"), json: [
                "password": AccountsStack.password, "contactName": "Wang Fang", "telephone": "+86 574 8888 0001",
            ])
            #expect(joined.status == 201 && joined["companyRole"] as? String == "member" && joined["emailVerified"] as? Bool == true)
            #expect((joined["company"] as? [String: Any])?["id"] as? String == supplier.companyID)
            let colleagueID = try #require(joined["id"] as? String)
            #expect(try await http("POST", stack.url("/v1/company-invitations/\(link)"), json: [
                "password": AccountsStack.password, "contactName": "Someone else", "telephone": "+86 574 8888 0002",
            ]).status == 404, "the link works once")
            let colleague = try #require(try await stack.signIn(email)["token"] as? String)
            let team = try await http("GET", stack.url("/v1/me/company/members"), token: colleague)
            #expect((team["items"] as? [[String: Any]])?.compactMap { $0["accountID"] as? String } == [supplier.accountID, colleagueID])

            // The colleague answers the conversation the company received and edits its product.
            let live = try await LiveClient.open(stack, token: colleague)
            try await live.wait { $0.contains { $0["type"] as? String == "live.ready" } }
            let answer = try await stack.send(colleague, conversationID, "Yes: 300 pieces, FOB Ningbo, 25 days.")
            #expect(answer.status == 201)
            let messages = try await http("GET", stack.url("/v1/conversations/\(conversationID)/messages"), token: purchaser.token)
            #expect(String(decoding: messages.body, as: UTF8.self).contains("FOB Ningbo"), "the purchaser sees the company's answer")
            let edited = try await http("PATCH", stack.url("/v1/products/\(productID)"), token: colleague, json: ["name": "Gear pump HGP-3 (2027)"])
            #expect(edited.status == 200 && edited["name"] as? String == "Gear pump HGP-3 (2027)")
            #expect(try await http("PUT", stack.url("/v1/me/company/members/\(supplier.accountID)/role"), token: colleague,
                                   json: ["role": "member"]).code == "not-company-admin")

            // Removed, the colleague's session ends, and a new one acts for no company anywhere.
            #expect(try await http("DELETE", stack.url("/v1/me/company/members/\(colleagueID)"), token: supplier.token).status == 204)
            // Gateways drop the session as the revocation event reaches them, milliseconds after the commit.
            let revoked = await eventually(timeout: .seconds(10), interval: .milliseconds(50)) {
                (try? await http("GET", stack.url("/v1/me"), token: colleague))?.status == 401
            }
            #expect(revoked)
            #expect(try await live.closedByServer()?.closeCode == .policyViolation, "the live feed ends with the session")
            let outsider = try #require(try await stack.signIn(email)["token"] as? String)
            let me = try await http("GET", stack.url("/v1/me"), token: outsider)
            #expect(me.status == 200 && me["company"] == nil && me["companyRole"] == nil)
            #expect(try await http("PATCH", stack.url("/v1/products/\(productID)"), token: outsider, json: ["name": "Taken"]).status == 403)
            #expect(try await stack.send(outsider, conversationID, "Still here?").status == 403)
            let conversation = try await http("GET", stack.url("/v1/conversations/\(conversationID)"), token: outsider)
            #expect([403, 404].contains(conversation.status) && !String(decoding: conversation.body, as: UTF8.self).contains("gear pumps"))
            let after = try await http("GET", stack.url("/v1/me/company/members"), token: supplier.token)
            #expect((after["items"] as? [[String: Any]])?.compactMap { $0["accountID"] as? String } == [supplier.accountID])
            let product = try await http("GET", stack.url("/v1/products/\(productID)"), token: supplier.token)
            #expect(product["name"] as? String == "Gear pump HGP-3 (2027)", "what the colleague did stays")
        }
    }
}
