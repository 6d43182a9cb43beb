import Contracts
import Foundation
@testable import Marketing
import MessageBus
import Testing
import TestSupport

/// Bounces reported after the relay accepted a mail: read from delivery status notifications, and
/// recorded from `marketing.record-bounce.v1` on the real schema, after a real send to the sink.
@Suite(.integration) struct BounceReportTests {
    @Test func aReportedBounceSuppressesTheAddressAndMarksTheMail() async throws {
        try await MarketingHarness.with { harness in
            let address = uniqueAddress("bounces-later")
            let person = try await harness.person(email: address)
            try await harness.remind(person)
            #expect(try await harness.sender.drain() == 1)
            let mail = try #require(try await MailSink.waitForMails(to: address).first)
            let reported = try DeliveryStatusReport.bounces(in: mail.deliveryStatusNotification())
            #expect(reported.map(\.recipient) == [address] && reported.first?.status == "5.1.1")
            #expect(reported.first?.diagnostic?.hasPrefix("550 5.1.1 <\(address)>: Recipient address rejected") == true)

            for _ in 0..<2 {  // a repeat changes nothing
                #expect(await harness.kit.command(RecordBounce.type, body: try MessageCodec.encode(reported[0])) == .ack)
            }
            let record = try await harness.records(to: address)
            #expect(record.map(\.state) == ["bounced"] && record.first?.reply?.hasPrefix("reported bounce: 5.1.1 550 5.1.1") == true)
            #expect(try await harness.kit.count("SELECT count(*) FROM mail_suppressions WHERE reason = 'bounced'") == 1)

            // The next mail, even a service mail, is not sent.
            try await harness.remind(person)
            _ = try await harness.sender.drain()
            #expect(try await harness.records(to: address).map(\.state) == ["bounced", "suppressed"])
            #expect(try MailSink.mails(to: address).count == 1)
        }
    }

    @Test func aReportThatIsNotAboutThePlatformsMailIsDeadLetteredAndChangesNothing() async throws {
        try await MarketingHarness.with { harness in
            let address = uniqueAddress("still-fine")
            let bodies: [(Data, String)] = [
                (Data("{not json".utf8), "not valid JSON"),
                (try MessageCodec.encode(RecordBounce(messageID: "<CAF=x@mail.gmail.com>", recipient: address, status: "5.1.1", diagnostic: nil)),
                 "messageId is not the Message-ID of a mail the platform sent"),
                (try MessageCodec.encode(RecordBounce(messageID: nil, recipient: address, status: "4.2.2", diagnostic: nil)),
                 "status must be a permanent failure's status code"),
                (try MessageCodec.encode(RecordBounce(messageID: nil, recipient: "not an address", status: "5.1.1", diagnostic: nil)),
                 "recipient must be an email address"),
            ]
            for (body, reason) in bodies {
                let disposition = await harness.kit.command(RecordBounce.type, body: body)
                guard case .deadLetter(let why) = disposition else {
                    Issue.record("\(reason): \(disposition)")
                    continue
                }
                #expect(why.contains(reason), "\(why)")
            }
            #expect(try await harness.kit.count("SELECT count(*) FROM mail_suppressions") == 0)
        }
    }

    @Test func onlyPermanentFailuresInAReportAreBounces() throws {
        let messageID = "<\(UUID())@expo.example>"
        func report(_ status: String, _ action: String = "failed") -> String {
            MailSink.deliveryStatusNotification(messageID: messageID, recipient: "slow@example.com", status: status, action: action)
        }
        #expect(try DeliveryStatusReport.bounces(in: report("4.4.7", "delayed")).isEmpty)
        #expect(try DeliveryStatusReport.bounces(in: report("4.2.2")).isEmpty)
        let bounce = try DeliveryStatusReport.bounces(in: report("5.2.1"))
        #expect(bounce.map(\.status) == ["5.2.1"] && bounce.first?.messageID == messageID)
        #expect(throws: DeliveryStatusReport.Unreadable.self) {
            try DeliveryStatusReport.bounces(in: "Subject: out of office\r\n\r\nI am away until Monday.\r\n")
        }
    }
}
