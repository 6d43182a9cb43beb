import Contracts
import Foundation
@testable import Messaging
import Persistence
import Testing
import TestSupport

/// Blocks, reports and staff reads, notifications, reminders, retention and the data-rights part.
@Suite(.integration) struct SafetyAndRightsTests {
    @Test func aBlockStopsMessagesBothWaysUntilLifted() async throws {
        try await MessagingHarness.with { harness in
            let buyer = try await harness.company(.purchaser)
            let supplier = try await harness.company(.supplier, name: "Spam Pumps")
            let opened = try await harness.open(buyer, to: supplier)
            let block = try await harness.send(BlockCompany(companyID: supplier.companyID), as: buyer)
            #expect(block.companyName == "Spam Pumps")
            #expect(try await problem { try await harness.say("buy now", in: opened.id, as: supplier) }?.code == .blocked)
            #expect(try await problem { try await harness.say("hello?", in: opened.id, as: buyer) }?.code == .blocked)
            #expect(try await problem { try await harness.open(buyer, to: supplier, "new", subject: .init(kind: "exhibitor", id: supplier.companyID)) }?.code == .blocked)
            #expect(try await harness.send(GetConversation(conversationID: opened.id), as: supplier).readOnly)
            #expect(try await harness.send(ListBlocks(), as: buyer).items.map(\.companyID) == [supplier.companyID])
            _ = try await harness.send(UnblockCompany(companyID: supplier.companyID), as: buyer)
            _ = try await harness.say("ok, tell me more", in: opened.id, as: buyer)
            #expect(try await harness.send(ListBlocks(), as: buyer).items.isEmpty)
        }
    }

    @Test func supportReadsAConversationOnlyOnceItWasReportedAndEveryReadIsInTheExport() async throws {
        try await MessagingHarness.with { harness in
            let buyer = try await harness.company(.purchaser)
            let supplier = try await harness.company(.supplier)
            let opened = try await harness.open(buyer, to: supplier)
            let rude = try await harness.say("pay upfront or else", in: opened.id, as: supplier)
            let staff = Actor(accountID: UUID(), roles: ["support"])
            #expect(try await problem { try await harness.send(ListMessages(conversationID: opened.id), actor: staff) }?.status == 404)
            #expect(try await problem { try await harness.send(ListReports(), as: buyer) }?.status == 403)

            let report = try await harness.send(ReportConversation(conversationID: opened.id, messageID: rude.id, reason: "Threatening tone"), as: buyer)
            #expect(try await harness.send(ListReports(), actor: staff).items == [report])
            #expect(try await harness.send(ListMessages(conversationID: opened.id), actor: staff).items.count == 2)
            let marketing = Actor(accountID: UUID(), roles: ["marketing"])
            #expect(try await problem { try await harness.send(ListMessages(conversationID: opened.id), actor: marketing) }?.status == 404)

            let export = try await harness.kit.export(DataSubjectTask(requestID: UUID(), accountID: supplier.actor.accountID))
            #expect(export.document.contains(staff.accountID.uuidString), "the supplier sees that staff read its conversation")
            #expect(export.document.contains("pay upfront or else"))
        }
    }

    @Test func matchmakingEventsBecomeNotificationsForTheRightPeople() async throws {
        try await MessagingHarness.with { harness in
            let buyer = try await harness.company(.purchaser)
            let matched = try await harness.company(.supplier, name: "Matched Pumps")
            let other = try await harness.company(.supplier, name: "Other Pumps")
            let rfq = UUID()
            let posted = RFQPosted(
                rfqID: rfq, buyerCompanyID: buyer.companyID, categoryID: "gear-pumps", destinationCountry: "NG",
                deadline: Date(timeIntervalSinceNow: 86400), matchedCompanyIDs: [matched.companyID], title: "2,000 gear pumps",
                postedAt: Date(timeIntervalSinceNow: -120))
            try await harness.kit.deliver(posted, messageID: "rfq-1")
            try await harness.kit.deliver(posted, messageID: "rfq-1")
            let quote = UUID()
            try await harness.kit.deliver(QuoteSubmitted(quoteID: quote, rfqID: rfq, buyerCompanyID: buyer.companyID, supplierCompanyID: matched.companyID,
                                                         submittedAt: Date(timeIntervalSinceNow: -60)))
            try await harness.kit.deliver(QuoteDecided(quoteID: quote, rfqID: rfq, supplierCompanyID: matched.companyID, status: .accepted, decidedAt: Date()))

            let supplierNotes = try await harness.send(ListNotifications(), as: matched).items
            #expect(supplierNotes.map(\.type) == ["quote-decided", "rfq-matched"], "a redelivered event notifies once")
            #expect(supplierNotes[1].data["rfqId"] == rfq.uuidString.lowercased() && supplierNotes[1].title.contains("2,000 gear pumps"))
            let buyerNotes = try await harness.send(ListNotifications(), as: buyer).items
            #expect(buyerNotes.map(\.type) == ["quote-received"] && buyerNotes[0].title == "Matched Pumps sent a quote on your RFQ")
            #expect(try await harness.send(ListNotifications(), as: other).items.isEmpty)

            _ = try await harness.send(MarkNotificationRead(notificationID: buyerNotes[0].id), as: buyer)
            #expect(try await harness.send(ListNotifications(unreadOnly: true), as: buyer).items.isEmpty)
            #expect(try await problem { try await harness.send(MarkNotificationRead(notificationID: buyerNotes[0].id), as: matched) }?.status == 404)
            #expect(try await harness.feed(of: buyer).map(\.type) == ["notification"])

            // A quote lets its two companies talk about it, whoever writes first.
            let aboutQuote = try await harness.open(matched, to: buyer, "Shall we sign?", subject: .init(kind: "quote", id: quote))
            #expect(aboutQuote.subject?.title == "Quote on 2,000 gear pumps")
        }
    }

    @Test func anUnreadMessageIsRemindedOnceAfterTheDelay() async throws {
        try await MessagingHarness.with(settings: MessagingSettings(reminderDelay: 3600)) { harness in
            let buyer = try await harness.company(.purchaser)
            let supplier = try await harness.company(.supplier, name: "Ningbo Hydraulics Co.")
            let opened = try await harness.open(buyer, to: supplier)
            func remind() async throws -> Int {
                try await UnreadReminders.remindDue(now: harness.clock.value, delay: 3600, database: harness.kit.database, logger: harness.kit.logger)
            }
            #expect(try await remind() == 0)
            harness.clock.mutate { $0 += 3601 }
            // Two replicas at once: one reminder.
            async let first = remind()
            async let second = remind()
            #expect(try await first + second == 1)
            #expect(try await remind() == 0)
            let due = try await harness.kit.events(UnreadReminderDue.self)
            #expect(due.count == 1 && due[0].accountID == supplier.actor.accountID && due[0].unread == 1 && due[0].conversationID == opened.id)
            #expect(due[0].fromCompanyName == "Lagos Tractors Ltd")

            _ = try await harness.say("Anyone there?", in: opened.id, as: buyer)
            harness.clock.mutate { $0 += 3601 }
            #expect(try await remind() == 1, "a new message starts the clock again")
            _ = try await harness.say("Third try", in: opened.id, as: buyer)
            _ = try await harness.send(MarkConversationRead(conversationID: opened.id, upTo: nil), as: supplier)
            harness.clock.mutate { $0 += 3601 }
            #expect(try await remind() == 0, "what was read is not reminded")
        }
    }

    @Test func erasureLeavesTombstonesAndRestrictionMakesConversationsReadOnly() async throws {
        try await MessagingHarness.with { harness in
            let buyer = try await harness.company(.purchaser)
            let supplier = try await harness.company(.supplier)
            let file = AttachmentFields(name: "a.pdf", contentType: "application/pdf", size: 10, url: "https://x.example.com/a.pdf")
            let opened = try await harness.send(OpenConversation(companyID: supplier.companyID, text: "My number is +234 803 555 0101", attachments: [file]), as: buyer)
            _ = try await harness.say("Thanks, noted", in: opened.id, as: supplier)

            let restrict = RestrictProcessing(task: DataSubjectTask(requestID: UUID(), accountID: supplier.actor.accountID), restricted: true)
            _ = try await harness.kit.send(.restrict, restrict, as: ProcessingRestriction.self)
            #expect(try await problem { try await harness.say("still there?", in: opened.id, as: buyer) }?.code == .conversationReadOnly)
            #expect(try await harness.send(ListMessages(conversationID: opened.id), as: buyer).items.count == 2, "it can still be read")
            _ = try await harness.kit.send(.restrict, RestrictProcessing(task: DataSubjectTask(requestID: UUID(), accountID: supplier.actor.accountID), restricted: false), as: ProcessingRestriction.self)

            let task = DataSubjectTask(requestID: UUID(), accountID: buyer.actor.accountID)
            #expect(try await harness.kit.send(.erase, task, as: ErasureOutcome.self).state == .done)
            let seen = try await harness.send(ListMessages(conversationID: opened.id), as: supplier).items
            #expect(seen.map(\.text) == ["Thanks, noted", "message removed"])
            #expect(seen[1].removed && seen[1].attachments.isEmpty && seen[1].authorID == nil)
            #expect(try await harness.count("SELECT count(*) FROM messages WHERE text LIKE '%803%' OR attachments::text LIKE '%pdf%'") == 0)
            #expect(try await harness.count("SELECT count(*) FROM feed WHERE account_id = \(buyer.actor.accountID)") == 0)
            #expect(try await harness.kit.send(.erase, task, as: ErasureOutcome.self).state == .done, "a repeated task is a no-op")
            let export = try await harness.kit.export(task)
            #expect(!export.document.contains("803"))
        }
    }

    @Test func conversationsWithoutActivityAreDeletedAfterTheRetentionPeriod() async throws {
        try await MessagingHarness.with(settings: MessagingSettings(conversationRetentionDays: 30)) { harness in
            let buyer = try await harness.company(.purchaser)
            let supplier = try await harness.company(.supplier)
            let old = try await harness.open(buyer, to: supplier)
            let recent = try await harness.open(buyer, to: supplier, "New topic", subject: .init(kind: "exhibitor", id: supplier.companyID))
            try await harness.kit.database.client.query(
                "UPDATE conversations SET last_message_at = now() - interval '31 days' WHERE id = \(old.id)", logger: harness.kit.logger)
            let sweeper = RetentionSweeper(database: harness.kit.database, rules: MessagingRetention.rules(harness.settings), logger: harness.kit.logger)
            try await sweeper.sweep()
            #expect(try await harness.send(ListConversations(), as: buyer).items.map(\.id) == [recent.id])
            #expect(try await harness.count("SELECT count(*) FROM messages WHERE conversation_id = \(old.id)") == 0)
        }
    }
}
