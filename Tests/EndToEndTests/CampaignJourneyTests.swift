import AMQPTransport
import Contracts
import Foundation
import MessageBus
import Testing
import TestSupport

/// A campaign as the marketing team runs it: the `expo-campaign` tool publishes the trigger on
/// `expo.commands`, the marketing process mails the consenting audience through the real SMTP
/// sink, a reader's one click on the gateway takes them out of the next campaign, and a bounce
/// report fed to the tool suppresses the address.
@Suite(.serialized, .integration) struct CampaignJourneyTests {
    static func campaign(_ id: UUID? = nil, name: String) -> [String: any Sendable] {
        var fields: [String: any Sendable] = [
            "name": name, "topic": "newsletter", "subject": "{{contactName}}, new robots are in",
            "html": "<p>Dear {{contactName}} of {{companyName}},</p><p>see the new exhibitors.</p>",
            "text": "Dear {{contactName}} of {{companyName}},\nsee the new exhibitors.\nUnsubscribe: {{unsubscribeURL}}",
            "audience": ["businessTypes": ["supplier"], "countries": ["CN"]], "maxPerSecond": 50,
        ]
        if let id { fields["campaignId"] = id.uuidString }
        return fields
    }

    /// Runs `expo-campaign` on `fields` written to a file; its exit status and output.
    static func publish(_ fields: [String: any Sendable]) async throws -> (status: Int32, output: String) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(uniqueName("campaign") + ".json")
        try JSONSerialization.data(withJSONObject: fields).write(to: file)
        return try await tool([file.path])
    }

    /// Runs `expo-campaign` with `arguments`; its exit status and output.
    static func tool(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        let tool = try ServiceProcess("expo-campaign", arguments: arguments, instance: uniqueName("expo-campaign"), opsPort: 0)
        let status = try await tool.exitStatus()
        return (status, tool.output)
    }

    /// Feeds the report of `mail`'s bounce to `expo-campaign bounce`; the mail must then count as
    /// bounced in `campaign`, and its address be suppressed.
    static func reportBounce(of mail: MailSink.Mail, campaign: UUID, schema: String) async throws {
        let report = FileManager.default.temporaryDirectory.appendingPathComponent(uniqueName("bounce") + ".eml")
        try Data(mail.deliveryStatusNotification().utf8).write(to: report)
        let reported = try await tool(["bounce", report.path])
        #expect(reported.status == 0 && reported.output.contains("1 bounce reported"), "\(reported.output)")
        let bounced = await eventually(timeout: .seconds(30)) {
            (try? await TestDatabase.adminCount("""
                SELECT count(*) FROM \(schema).mail_outbox WHERE campaign_id = '\(campaign)' AND state = 'bounced'
                """)) == 1
        }
        #expect(bounced, "the campaign counts the mail as bounced")
        #expect(try await TestDatabase.adminCount("SELECT count(*) FROM \(schema).mail_suppressions WHERE reason = 'bounced'") == 1)
    }

    /// The campaign id the tool printed: its last line.
    static func printedID(_ output: String) -> UUID? {
        output.split(separator: "\n").last.flatMap { UUID(uuidString: String($0)) }
    }

    @Test func theToolsTriggerReachesTheConsentingAudienceAndOneClickTakesAReaderOut() async throws {
        try await AccountsStack.with(backends: [.marketing]) { stack in
            let marketing = stack.schema(of: .marketing)
            let reader = uniqueAddress("campaign-reader")
            let colleague = uniqueAddress("campaign-colleague")
            #expect(try await stack.register(reader).status == 201)
            #expect(try await stack.register(colleague).status == 201)
            #expect(try await stack.register(uniqueAddress("campaign-buyer"), businessType: "purchaser").status == 201)
            let known = await eventually(timeout: .seconds(60)) {
                (try? await TestDatabase.adminCount("SELECT count(*) FROM \(marketing).contacts WHERE business_type IS NOT NULL")) == 3
            }
            #expect(known, "marketing knows the three registrations")

            try await withBus(topology: PlatformTopology.make()) { bus in
                let finished = LockedBox<[CampaignFinished]>([])
                let listening = LockedBox(false)
                _ = bus.consumer.consume(ConsumerSpec(
                    source: .exclusiveBound(exchange: PlatformTopology.eventsExchange, routingKeys: [CampaignFinished.type.rawValue]),
                    prefetch: 0, autoAck: true, onReady: { _ in listening.mutate { $0 = true } },
                    deliver: { delivery in
                        if let event = try? MessageCodec.decode(CampaignFinished.self, from: delivery.body) { finished.mutate { $0.append(event) } }
                    }))
                #expect(await eventually { listening.value })
                let parked = Collector(queue: PlatformTopology.deadLetterQueue(PlatformTopology.commandQueue(.marketing)), connection: bus.consumer)

                // No campaignId in the file: the tool picks one and prints it.
                let first = try await Self.publish(Self.campaign(name: "Robots week"))
                #expect(first.status == 0, "\(first.output)")
                let firstID = try #require(Self.printedID(first.output), "\(first.output)")
                #expect(first.output.contains("no campaignId"))
                // Each has the address-verification mail already; the campaign's comes second.
                let subject = "Zhang Min, new robots are in"
                let mail = try #require(try await MailSink.waitForMails(to: reader, count: 2, timeout: .seconds(60)).first { $0.header("Subject") == subject })
                #expect(mail.text?.contains("Dear Zhang Min of Ningbo Industrial Robots Co.,") == true)
                let unsubscribe = try #require(mail.header("List-Unsubscribe"))
                #expect(mail.header("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click")
                #expect(try await MailSink.waitForMails(to: colleague, count: 2, timeout: .seconds(60)).filter { $0.header("Subject") == subject }.count == 1)
                let firstDone = await eventually(timeout: .seconds(60)) { finished.value.contains { $0.campaignID == firstID } }
                #expect(firstDone, "the campaign reports its end")
                let firstCounts = finished.value.first { $0.campaignID == firstID }?.counts
                #expect(firstCounts?.sent == 2 && firstCounts?.audience == 2, "the purchaser is not in the audience: \(String(describing: firstCounts))")

                // The mail client's one click: a form POST, no sign-in, no confirmation page.
                let token = try #require(unsubscribe.split(separator: "/").last.map { String($0.dropLast()) })
                let click = try await http("POST", stack.url("/v1/unsubscribe/\(token)"), body: Data("List-Unsubscribe=One-Click".utf8),
                                           headers: ["Content-Type": "application/x-www-form-urlencoded"])
                #expect(click.status == 200 && click["unsubscribed"] as? Bool == true)

                // The next campaign, published twice under one id: the reader is skipped, the colleague mailed once.
                let secondID = UUID()
                let second = try await Self.publish(Self.campaign(secondID, name: "Robots week, part two"))
                #expect(second.status == 0 && Self.printedID(second.output) == secondID, "\(second.output)")
                #expect(try await Self.publish(Self.campaign(secondID, name: "Robots week, part two")).status == 0)
                #expect(try await MailSink.waitForMails(to: colleague, count: 3, timeout: .seconds(60)).count == 3)
                let secondDone = await eventually(timeout: .seconds(60)) { finished.value.contains { $0.campaignID == secondID } }
                #expect(secondDone)
                #expect(finished.value.first { $0.campaignID == secondID }?.counts == CampaignCounts(audience: 1, sent: 1))

                // A trigger that is not even JSON: parked with the reason, reported, and consuming goes on.
                let poison = UUID().uuidString
                try await bus.publisher.publish(OutgoingMessage(
                    exchange: PlatformTopology.commandsExchange, routingKey: TriggerCampaign.type.rawValue, body: Data("{campaign".utf8),
                    properties: MessageProperties(contentType: "application/json", messageID: poison, type: TriggerCampaign.type.rawValue, persistent: true)),
                    confirm: true)
                let refused = await eventually(timeout: .seconds(30)) {
                    parked.deliveries.contains { $0.properties.messageID == poison
                        && $0.properties.headers[QueueConsumer.reasonHeader]?.string?.contains("not valid JSON") == true }
                }
                #expect(refused, "the unreadable trigger is dead-lettered with the reason")
                #expect(await eventually { finished.value.contains { $0.status == .failed && $0.reason?.contains("not valid JSON") == true } })
                #expect(try await TestDatabase.adminCount("SELECT count(*) FROM \(marketing).campaigns") == 2, "the repeat made no third campaign")
                #expect(try MailSink.mails(to: colleague).count == 3 && MailSink.mails(to: reader).count == 2, "verification mails and campaigns, once each")

                // The colleague's mailbox is gone after all: the bounce mailbox's report, through the tool.
                try await Self.reportBounce(of: try #require(try MailSink.mails(to: colleague).last), campaign: secondID, schema: marketing)
                let health = try await http("GET", stack.opsURL("/health/services/marketing"))
                #expect(health["ready"] as? Bool == true)
            }
        }
    }
}
