import AMQPTransport
import Contracts
import Foundation
@testable import Marketing
import MessageBus
import Persistence
import Testing
import TestSupport

/// Campaigns as the marketing team triggers them: the command's handler, the dispatcher and the
/// mail sender on a real schema, mailing the real SMTP sink.
@Suite(.integration) struct CampaignTests {
    static func newsletter(_ id: UUID = UUID(), audience: CampaignAudience = CampaignAudience()) -> TriggerCampaign {
        TriggerCampaign(
            campaignID: id, name: "December newsletter", topic: "newsletter", subject: "News for {{contactName}}",
            html: "<p>Dear {{contactName}} of {{companyName}},</p>\n\t<p>new exhibitors are in.</p><a href=\"{{unsubscribeURL}}\">Unsubscribe</a>",
            text: "Dear {{contactName}} of {{companyName}},\nnew exhibitors are in.\nUnsubscribe: {{unsubscribeURL}}",
            language: "en", audience: audience)
    }

    @Test func exactlyTheConsentingAudienceIsMailedOnce() async throws {
        try await MarketingHarness.with { harness in
            let consenting = uniqueAddress("consenting")
            let reader = try await harness.person(email: consenting, name: "Ada <Obi>")  // Nigeria: opt-out rules
            let confirmedInGermany = uniqueAddress("confirmed")
            let german = try await harness.person(email: confirmedInGermany, country: "DE")
            _ = try await harness.kit.database.transaction(context: MessageContext(), logger: harness.kit.logger) { transaction in
                try await SubscriptionRecords.record(german, .newsletter, .subscribed, source: "confirmation-link", client: nil, on: transaction)
            }
            var excluded = [uniqueAddress("never-consented")]
            _ = try await harness.person(email: excluded[0], country: "DE")  // consent needed, never given
            excluded.append(uniqueAddress("opted-out"))
            let optedOut = try await harness.person(email: excluded[1])
            _ = try await harness.send(SetSubscription(topic: "newsletter", status: "unsubscribed", client: nil), as: optedOut)
            excluded.append(uniqueAddress("objected"))
            let objected = try await harness.person(email: excluded[2])
            _ = try await harness.kit.send(.object, RecordObjection(task: DataSubjectTask(requestID: UUID(), accountID: objected), scope: .directMarketing),
                                           as: Objections.self)
            excluded.append(uniqueAddress("restricted"))
            let restricted = try await harness.person(email: excluded[3])
            _ = try await harness.kit.send(.restrict, RestrictProcessing(task: DataSubjectTask(requestID: UUID(), accountID: restricted), restricted: true),
                                           as: ProcessingRestriction.self)
            excluded.append(uniqueAddress("supplier"))
            _ = try await harness.person(email: excluded[4], businessType: .supplier)
            excluded.append(uniqueAddress("unverified"))
            _ = try await harness.person(email: excluded[5], verified: false)
            let rejecting = uniqueAddress("rejecting", domain: "reject.example")
            _ = try await harness.person(email: rejecting)

            let audience = CampaignAudience(businessTypes: ["purchaser"], countries: ["ng", "DE"], verifiedOnly: true)
            let first = Self.newsletter(audience: audience)
            #expect(try await harness.trigger(first) == .ack)
            #expect(try await harness.trigger(first) == .ack, "a repeated trigger is taken, and changes nothing")
            try await harness.runCampaigns()

            let mail = try #require(try await MailSink.waitForMails(to: consenting).first)
            #expect(mail.header("Subject") == "News for Ada <Obi>")
            let unsubscribe = try #require(mail.header("List-Unsubscribe"))
            #expect(unsubscribe.hasPrefix("<http://localhost:8080/v1/unsubscribe/") && unsubscribe.hasSuffix(">"))
            #expect(mail.header("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click")
            #expect(mail.text?.contains("Dear Ada <Obi> of Lagos Tractors Ltd,\nnew exhibitors are in.") == true)
            #expect(mail.html?.contains("Dear Ada &lt;Obi&gt; of Lagos Tractors Ltd") == true)
            #expect(mail.text?.contains(String(unsubscribe.dropFirst().dropLast())) == true, "the body links the same one-click URL")
            #expect(try await MailSink.waitForMails(to: confirmedInGermany).count == 1, "consent given where it is needed")
            for address in excluded { #expect(try MailSink.mails(to: address).isEmpty, "\(address) is not mailed") }
            #expect(try await harness.records(to: rejecting).map(\.state) == ["bounced"])

            let finished = try await harness.kit.events(CampaignFinished.self)
            #expect(finished.map(\.campaignID) == [first.campaignID] && finished.first?.status == .finished)
            #expect(finished.first?.counts == CampaignCounts(audience: 3, sent: 2, bounced: 1))
            #expect(try await harness.kit.events(CampaignProgressed.self).last?.audienceComplete == true)
            #expect(try MailSink.mails(to: consenting).count == 1, "the repeated trigger sent nothing")

            // One click in the mail unsubscribes; the next campaign skips the reader and the bounced address.
            let token = String(unsubscribe.dropFirst().dropLast().split(separator: "/").last ?? "")
            #expect(try await harness.send(DescribeUnsubscribe(token: token), as: nil).unsubscribed == false, "the link's page: still subscribed")
            #expect(try await harness.send(Unsubscribe(token: token, client: nil), as: nil).unsubscribed)
            #expect(try await harness.send(DescribeUnsubscribe(token: token), as: nil).unsubscribed, "the link's page, opened again, says it is done")
            let second = Self.newsletter(audience: audience)
            #expect(try await harness.trigger(second) == .ack)
            try await harness.runCampaigns()
            let counts = try await harness.kit.events(CampaignFinished.self).last?.counts
            #expect(counts == CampaignCounts(audience: 1, sent: 1), "the reader and the rejected address are left out")
            #expect(try MailSink.mails(to: consenting).count == 1)
            #expect(try await MailSink.waitForMails(to: confirmedInGermany, count: 2).count == 2)
            let firstCounts = try await harness.kit.database.transaction(context: MessageContext(), logger: harness.kit.logger) {
                try await CampaignRecords.counts(of: first.campaignID, on: $0)
            }
            #expect(firstCounts.unsubscribed == 1, "the first campaign counts the one-click unsubscribe")
            _ = reader
        }
    }

    @Test func aMailWhoseConsentWentBeforeItLeftIsNotSent() async throws {
        try await MarketingHarness.with { harness in
            let address = uniqueAddress("changed-mind")
            let person = try await harness.person(email: address)
            #expect(try await harness.trigger(Self.newsletter()) == .ack)
            try await harness.dispatcher.run()  // queued, not yet sent
            _ = try await harness.send(SetSubscription(topic: "newsletter", status: "unsubscribed", client: nil), as: person)
            try await harness.runCampaigns()
            let records = try await harness.records(to: address)
            #expect(records.map(\.state) == ["suppressed"] && records.first?.reply == "not sent: the person unsubscribed")
            #expect(try MailSink.mails(to: address).isEmpty)
            #expect(try await harness.kit.events(CampaignFinished.self).first?.counts == CampaignCounts(audience: 1, suppressed: 1))
        }
    }

    @Test func aBadTriggerIsDeadLetteredAndReportedAndSendsNothing() async throws {
        try await MarketingHarness.with { harness in
            _ = try await harness.person(email: uniqueAddress("bystander"))
            let id = UUID()
            var unknownTopic = Self.newsletter(id)
            unknownTopic.topic = "spam"
            var serviceTopic = Self.newsletter()
            serviceTopic.topic = "event-reminders"
            var broken = Self.newsletter()
            broken.html = "<p>{{#offer}}Half price</p>"
            var unfiltered = Self.newsletter()
            unfiltered.audience = CampaignAudience(businessTypes: ["robot"], countries: [], activeWithinDays: 0)
            let bodies: [(Data, String)] = [
                (Data("{not json".utf8), "not valid JSON"),
                (Data(#"{"campaignId": "\#(UUID())", "name": "No content"}"#.utf8), "missing field"),
                (try MessageCodec.encode(unknownTopic), "topic must be one of: newsletter, matchmaking, event-reminders, recommendations"),
                (try MessageCodec.encode(serviceTopic), "topic is service mail"),
                (try MessageCodec.encode(broken), "html does not parse"),
                (try MessageCodec.encode(unfiltered), "audience.businessTypes[0] must be one of"),
            ]
            for (body, reason) in bodies {
                let disposition = await harness.kit.command(TriggerCampaign.type, body: body)
                guard case .deadLetter(let why) = disposition else {
                    Issue.record("\(reason): \(disposition)")
                    continue
                }
                #expect(why.contains(reason), "\(why)")
            }
            let failed = try await harness.kit.events(CampaignFinished.self)
            #expect(failed.count == bodies.count && failed.allSatisfy { $0.status == .failed && $0.reason?.isEmpty == false })
            #expect(failed[2].campaignID == id, "the sender learns which campaign failed")
            let reasons = failed.last?.reason ?? ""
            #expect(reasons.contains("audience.countries must name at least one") && reasons.contains("audience.activeWithinDays must be from 1 to 365 days"))
            try await harness.runCampaigns()
            #expect(try await harness.kit.count("SELECT count(*) FROM campaigns") == 0)
            #expect(try await harness.kit.count("SELECT count(*) FROM mail_outbox") == 0)
        }
    }

    @Test func theRelaysHourlyLimitHoldsBackMarketingButNeverAccountMail() async throws {
        try await MarketingHarness.with(environment: ["EXPO_SMTP_MAX_PER_HOUR": "3"]) { harness in
            let reader = try await harness.person(email: uniqueAddress("limited-reader"))
            for index in 0..<4 { _ = try await harness.person(email: uniqueAddress("limited-\(index)")) }
            #expect(try await harness.trigger(Self.newsletter()) == .ack)
            try await harness.dispatcher.run()
            try await harness.remind(reader)
            #expect(try await harness.sender.drain() == 4, "the reminder and the three mails the hour allows")
            #expect(try await harness.kit.count("SELECT count(*) FROM mail_outbox WHERE marketing AND state = 'queued'") == 2)
            try await harness.remind(reader)
            #expect(try await harness.sender.drain() == 1, "service mail is not held back behind the campaign")
            #expect(try await harness.kit.count("SELECT sum(mails)::int FROM relay_usage") == 5)
        }
    }

    @Test func aBigAudienceGoesOutInPacedBatches() async throws {
        try await MarketingHarness.with { harness in
            for index in 0..<7 { _ = try await harness.person(email: uniqueAddress("batch-\(index)")) }
            var paced = Self.newsletter()
            paced.maxPerSecond = 3
            #expect(try await harness.trigger(paced) == .ack)
            #expect(try await harness.dispatcher.queueNextBatch())
            #expect(try await harness.kit.count("SELECT count(*) FROM mail_outbox") == 3)
            let wait = try await harness.kit.count("""
                SELECT (extract(epoch FROM c.next_batch_at - m.queued_at) * 1000)::int FROM campaigns c, (SELECT max(queued_at) queued_at FROM mail_outbox) m
                """)
            #expect(wait >= 1000, "the next batch waits its turn: 3 mails a second")
            // Time passes (the pace is the only wait): the rest goes in two more batches.
            for _ in 0..<2 {
                _ = try await harness.kit.count("UPDATE campaigns SET next_batch_at = now() RETURNING 0")
                #expect(try await harness.dispatcher.queueNextBatch())
            }
            #expect(try await harness.kit.count("SELECT count(*) FROM mail_outbox") == 7)
            #expect(try await harness.kit.count("SELECT count(*) FROM campaigns WHERE audience_complete AND queued = 7") == 1)
            try await harness.runCampaigns()
            #expect(try await harness.kit.events(CampaignFinished.self).first?.counts.sent == 7)
        }
    }
}
