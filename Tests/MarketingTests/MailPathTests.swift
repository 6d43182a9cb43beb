import Contracts
import Foundation
@testable import Marketing
import Persistence
import Testing
import TestSupport

/// The one outbound mail path: outbox, libcurl SMTP to the real sink, the relay's answers.
@Suite(.integration) struct MailPathTests {
    @Test func anUnreadReminderIsMailedOnceWithBothPartsRendered() async throws {
        try await MarketingHarness.with { harness in
            let address = uniqueAddress()
            let person = try await harness.person(email: address, name: "Zoë Müller")
            let event = UUID().uuidString
            try await harness.remind(person, from: "Ningbo <Pumps> & Co", unread: 3, messageID: event)
            try await harness.remind(person, from: "Ningbo <Pumps> & Co", unread: 3, messageID: event) // a redelivery
            #expect(try await harness.sender.drain() == 1)

            let mails = try await MailSink.waitForMails(to: address)
            let mail = try #require(mails.first)
            #expect(mails.count == 1)
            #expect(mail.header("Subject") == "3 unread message(s) from Ningbo <Pumps> & Co")
            #expect(mail.header("To") == "=?UTF-8?B?\(Data("Zoë Müller".utf8).base64EncodedString())?= <\(address)>")
            #expect(mail.header("From") == "Online Expo <no-reply@expo.example>")
            #expect(mail.header("Message-ID")?.hasSuffix("@expo.example>") == true)
            #expect(mail.header("List-Unsubscribe")?.hasPrefix("<http://localhost:8080/v1/unsubscribe/") == true, "reminders can be stopped in one click")
            #expect(mail.header("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click")
            let text = try #require(mail.text)
            #expect(text.contains("Hello Zoë Müller,") && text.contains("Ningbo <Pumps> & Co wrote to you") && text.contains("3 message(s)"))
            #expect(text.contains("http://localhost:8080/conversations/"))
            let html = try #require(mail.html)
            #expect(html.contains("Ningbo &lt;Pumps&gt; &amp; Co wrote to you"), "the HTML part escapes what it is given")
            #expect(!html.contains("<Pumps>"))

            let records = try await harness.records(to: address)
            #expect(records.count == 1)
            #expect(records.first?.state == "sent" && records.first?.code == 250 && records.first?.attempts == 1)
            #expect(records.first?.reply?.hasPrefix("250 2.0.0 Stored as") == true, "the relay's answer is recorded")
            #expect(records.first?.hasBody == false, "a sent mail keeps its record, not its content")
            #expect(try await harness.sender.drain() == 0, "nothing is sent twice")
        }
    }

    @Test func aRejectedAddressIsSuppressedAndNeverMailedAgain() async throws {
        try await MarketingHarness.with { harness in
            let address = uniqueAddress(domain: "reject.example")
            let person = try await harness.person(email: address)
            try await harness.remind(person)
            #expect(try await harness.sender.drain() == 1)
            var records = try await harness.records(to: address)
            #expect(records.map(\.state) == ["bounced"] && records.first?.code == 550)
            #expect(records.first?.reply?.contains("Mailbox does not exist") == true, "\(records.first?.reply ?? "")")

            try await harness.remind(person)
            #expect(try await harness.sender.drain() == 0, "the next mail to a suppressed address is not even queued")
            records = try await harness.records(to: address)
            #expect(records.map(\.state) == ["bounced", "suppressed"])
            // The same address in another case is the same mailbox.
            let shouting = try await harness.person(email: address.uppercased())
            try await harness.remind(shouting)
            #expect(try await harness.sender.drain() == 0)
        }
    }

    @Test func aTemporaryFailureIsRetriedLaterWithBackoff() async throws {
        try await MarketingHarness.with { harness in
            let address = uniqueAddress(domain: "defer.example")
            try await harness.remind(try await harness.person(email: address))
            #expect(try await harness.sender.drain() == 1)
            let records = try await harness.records(to: address)
            #expect(records.map(\.state) == ["deferred"] && records.first?.code == 451 && records.first?.hasBody == true)
            #expect(try await harness.sender.drain() == 0, "not retried before its backoff ends")
            let wait = try await harness.kit.count("SELECT extract(epoch FROM next_attempt_at - now())::int FROM mail_outbox")
            #expect((50...70).contains(wait), "first retry after about a minute")
        }
    }

    @Test func anUnreachableRelayDefersTheMail() async throws {
        // A port nothing listens on: connection refused, no SMTP answer at all.
        try await MarketingHarness.with(smtpURL: "smtp://127.0.0.1:9") { harness in
            let address = uniqueAddress()
            try await harness.remind(try await harness.person(email: address))
            #expect(try await harness.sender.drain() == 1)
            let records = try await harness.records(to: address)
            #expect(records.map(\.state) == ["deferred"] && records.first?.code == 0)
            #expect(records.first?.reply?.isEmpty == false)
            #expect(try MailSink.mails(to: address).isEmpty)
        }
    }

    @Test func noReminderWhileProcessingIsRestricted() async throws {
        try await MarketingHarness.with { harness in
            let address = uniqueAddress()
            let person = try await harness.person(email: address)
            let restrict = RestrictProcessing(task: DataSubjectTask(requestID: UUID(), accountID: person), restricted: true)
            _ = try await harness.kit.send(.restrict, restrict, as: ProcessingRestriction.self)
            try await harness.remind(person)
            #expect(try await harness.sender.drain() == 0)
            #expect(try await harness.records(to: address).isEmpty)
        }
    }

    @Test func erasureLeavesOnlyTheSuppressionHash() async throws {
        try await MarketingHarness.with { harness in
            let address = uniqueAddress()
            let person = try await harness.person(email: address)
            try await harness.remind(person)
            #expect(try await harness.sender.drain() == 1)
            let task = DataSubjectTask(requestID: UUID(), accountID: person)
            let export = try await harness.kit.export(task)
            #expect(export.document.contains(address) && export.document.contains("unread-messages") && export.document.contains("\"sent\""))

            #expect(try await harness.kit.send(.erase, task, as: ErasureOutcome.self).state == .done)
            #expect(try await harness.records(to: address).isEmpty)
            #expect(try await harness.kit.count("SELECT count(*) FROM contacts") == 0)
            let addressKept = try await harness.kit.count("SELECT count(*) FROM mail_suppressions WHERE reason = 'erased' AND position(\(address) in encode(address_hash, 'escape')) > 0")
            #expect(addressKept == 0)
            #expect(try await harness.kit.count("SELECT count(*) FROM mail_suppressions WHERE address_hash = mail_address_hash(\(address)) AND reason = 'erased'") == 1)

            // Imported again under a new account, the address is still never mailed.
            try await harness.remind(try await harness.person(email: address))
            #expect(try await harness.sender.drain() == 0)
        }
    }
}
