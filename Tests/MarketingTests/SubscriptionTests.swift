import Contracts
import Foundation
@testable import Marketing
import Testing
import TestSupport

/// Subscriptions per topic, consent where the country needs it (double opt-in by mailed link),
/// and every change kept as proof.
@Suite(.integration) struct SubscriptionTests {
    static let client = ClientInfo(ip: "198.51.100.23", userAgent: "Tests/1.0")

    @Test func defaultsFollowTheCountrysConsentRules() async throws {
        try await MarketingHarness.with { harness in
            let berlin = try await harness.person(email: uniqueAddress(), country: "DE")
            let lagos = try await harness.person(email: uniqueAddress(), country: "NG")
            let inBerlin = try await harness.send(ListSubscriptions(), as: berlin)
            #expect(inBerlin.map(\.topic) == SubscriptionTopic.allCases)
            #expect(inBerlin.filter { $0.status == .subscribed }.map(\.topic) == [.eventReminders], "the EEA needs an opt-in for marketing")
            let inLagos = try await harness.send(ListSubscriptions(), as: lagos)
            #expect(inLagos.allSatisfy { $0.status == .subscribed && $0.channel == "email" }, "elsewhere marketing is opt-out")
        }
    }

    @Test func subscribingWhereConsentIsNeededWaitsForTheMailedLink() async throws {
        try await MarketingHarness.with { harness in
            let address = uniqueAddress()
            let person = try await harness.person(email: address, name: "Jonas Weber", country: "de")
            let pending = try await harness.send(SetSubscription(topic: "newsletter", status: "subscribed", client: Self.client), as: person)
            #expect(pending.status == .pending)
            #expect(try await harness.sender.drain() == 1)
            let mail = try #require(try await MailSink.waitForMails(to: address).first)
            #expect(mail.header("Subject") == "Please confirm your Online Expo subscription")
            #expect(mail.text?.contains(ConsentRules.wording(.newsletter)) == true, "the mail shows what is agreed to")
            let token = try #require(mail.text.flatMap { text in
                text.range(of: "/confirm-subscription?token=").map { String(text[$0.upperBound...].prefix { !$0.isWhitespace }) }
            })

            #expect(try await problem { try await harness.send(ConfirmSubscription(token: "forged", client: nil), as: nil) }?.status == 404)
            _ = try await harness.send(ConfirmSubscription(token: token, client: Self.client), as: nil)
            let now = try await harness.send(ListSubscriptions(), as: person)
            #expect(now.first { $0.topic == .newsletter }?.status == .subscribed)
            #expect(try await problem { try await harness.send(ConfirmSubscription(token: token, client: nil), as: nil) }?.status == 404, "single use")

            let proof = try await harness.kit.export(DataSubjectTask(requestID: UUID(), accountID: person))
            let document = try JSONSerialization.jsonObject(with: Data(proof.document.utf8)) as? [String: Any]
            let history = try #require(document?["consentHistory"] as? [[String: Any]])
            #expect(history.map { $0["status"] as? String } == ["pending", "subscribed"])
            #expect(history.map { $0["source"] as? String } == ["settings", "confirmation-link"])
            #expect(history.allSatisfy { $0["ip"] as? String == "198.51.100.23" && $0["policyVersion"] as? String == ConsentRules.policyVersion })
            #expect(history.first?["wording"] as? String == ConsentRules.wording(.newsletter))
        }
    }

    @Test func elsewhereChangesApplyAtOnceAndRemindersCanBeTurnedOff() async throws {
        try await MarketingHarness.with { harness in
            let address = uniqueAddress()
            let person = try await harness.person(email: address, country: "NG")
            let off = try await harness.send(SetSubscription(topic: "event-reminders", status: "unsubscribed", client: Self.client), as: person)
            #expect(off.status == .unsubscribed)
            #expect(try await harness.send(SetSubscription(topic: "matchmaking", status: "unsubscribed", client: nil), as: person).status == .unsubscribed)
            #expect(try await harness.send(SetSubscription(topic: "matchmaking", status: "subscribed", client: nil), as: person).status == .subscribed,
                    "no confirmation needed where marketing is opt-out")
            try await harness.remind(person)
            #expect(try await harness.sender.drain() == 0, "no reminder once reminders are off")
            #expect(try MailSink.mails(to: address).isEmpty)
        }
    }

    @Test func badInputIsRefusedAndChangesNothing() async throws {
        try await MarketingHarness.with { harness in
            let person = try await harness.person(email: uniqueAddress())
            #expect(try await problem { try await harness.send(SetSubscription(topic: "spam", status: "subscribed", client: nil), as: person) }?.status == 404)
            for request in ["pending", "yes", nil].map({ SetSubscription(topic: "newsletter", status: $0, client: nil) }) {
                let refused = try await problem { try await harness.send(request, as: person) }
                let fields: [String] = (refused?.errors ?? []).map(\.field)
                #expect(refused?.status == 422 && fields == ["status"])
            }
            #expect(try await problem { try await harness.send(ListSubscriptions(), as: nil) }?.status == 401)
            #expect(try await harness.kit.count("SELECT count(*) FROM consent_records") == 0)
            let unknown = try await problem { try await harness.send(SetSubscription(topic: "newsletter", status: "subscribed", client: nil), as: UUID()) }
            #expect(unknown?.status == 409, "a person marketing has not heard of yet")
        }
    }

    @Test func theOneClickLinkInAReminderStopsRemindersWithoutSigningIn() async throws {
        try await MarketingHarness.with { harness in
            let address = uniqueAddress()
            let person = try await harness.person(email: address)
            try await harness.remind(person)
            #expect(try await harness.sender.drain() == 1)
            let mail = try #require(try await MailSink.waitForMails(to: address).first)
            let header = try #require(mail.header("List-Unsubscribe"))
            let token = String(header.dropFirst("<http://localhost:8080/v1/unsubscribe/".count).dropLast())
            #expect(mail.text?.contains("/v1/unsubscribe/\(token)") == true, "the body has the same link")

            let described = try await harness.send(DescribeUnsubscribe(token: token), as: nil)
            #expect(described.topic == .eventReminders && !described.unsubscribed)
            #expect(try await harness.kit.count("SELECT count(*) FROM consent_records") == 0, "looking at the link changes nothing")

            var forged = Array(token)
            forged[5] = forged[5] == "A" ? "B" : "A"
            #expect(try await problem { try await harness.send(Unsubscribe(token: String(forged), client: nil), as: nil) }?.status == 404)
            #expect(try await problem { try await harness.send(Unsubscribe(token: "nonsense", client: nil), as: nil) }?.status == 404)
            #expect(try await harness.kit.count("SELECT count(*) FROM consent_records") == 0, "a forged link changes nothing")

            #expect(try await harness.send(Unsubscribe(token: token, client: Self.client), as: nil).unsubscribed)
            #expect(try await harness.send(Unsubscribe(token: token, client: Self.client), as: nil).unsubscribed, "repeating is harmless")
            #expect(try await harness.kit.count("SELECT count(*) FROM consent_records WHERE source = 'one-click-unsubscribe'") == 1)
            #expect(try await harness.send(ListSubscriptions(), as: person).first { $0.topic == .eventReminders }?.status == .unsubscribed)
            try await harness.remind(person)
            #expect(try await harness.sender.drain() == 0)
        }
    }
}
