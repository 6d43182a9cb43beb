import Contracts
import Foundation
import MessageBus
@testable import Messaging
import Testing
import TestSupport

/// Inquiries, messages and their rules, read state and the live feed.
@Suite(.integration) struct ConversationTests {
    @Test func aPurchaserAsksASupplierAboutAProductAndTheSupplierAnswers() async throws {
        try await MessagingHarness.with { harness in
            let buyer = try await harness.company(.purchaser)
            let supplier = try await harness.company(.supplier, name: "Ningbo Hydraulics Co.")
            let pump = harness.product(of: supplier)
            let opened = try await harness.open(buyer, to: supplier, subject: .init(kind: "product", id: pump))
            #expect(opened.subject == ConversationSubject(kind: .product, id: pump, title: "Hydraulic gear pump"))
            #expect(opened.companyName == "Ningbo Hydraulics Co." && opened.startedBy == buyer.companyID && opened.unread == 0)
            #expect(opened.lastMessage?.text == "Do you ship to Lagos?")

            let inbox = try await harness.send(ListConversations(), as: supplier)
            #expect(inbox.items.map(\.id) == [opened.id] && inbox.items[0].unread == 1 && inbox.items[0].companyName == "Lagos Tractors Ltd")
            #expect(try await harness.send(GetUnread(), as: supplier) == UnreadCounts(total: 1, conversations: [.init(id: opened.id, unread: 1)]))

            let answer = try await harness.say("Yes, CIF Lagos in 30 days.\nMOQ 100 pieces.", in: opened.id, as: supplier)
            #expect(answer.text == "Yes, CIF Lagos in 30 days.\nMOQ 100 pieces." && answer.companyID == supplier.companyID)
            #expect(try await harness.send(GetUnread(), as: supplier).total == 0, "answering reads what it answers")
            #expect(try await harness.send(GetUnread(), as: buyer).total == 1)
            let page = try await harness.send(ListMessages(conversationID: opened.id), as: buyer)
            #expect(page.items.map(\.text) == [answer.text, "Do you ship to Lagos?"], "newest first")

            // The same two companies and subject meet in the same conversation.
            let again = try await harness.open(buyer, to: supplier, "And to Abuja?", subject: .init(kind: "product", id: pump))
            #expect(again.id == opened.id && again.lastMessage?.text == "And to Abuja?")
            let other = try await harness.open(buyer, to: supplier, "About your company", subject: .init(kind: "exhibitor", id: supplier.companyID))
            #expect(other.id != opened.id && other.subject?.title == "Ningbo Hydraulics Co.")
        }
    }

    @Test func aSupplierAnswersButDoesNotColdMessage() async throws {
        try await MessagingHarness.with { harness in
            let buyer = try await harness.company(.purchaser)
            let supplier = try await harness.company(.supplier, name: "Ningbo Hydraulics Co.")
            #expect(try await problem { try await harness.open(supplier, to: buyer, "Buy our pumps") }?.code == .inquiryOnly)
            let rival = try await harness.company(.supplier, name: "Rival Pumps")
            #expect(try await problem { try await harness.open(supplier, to: rival, "Hello") }?.status == 403)

            _ = try await harness.open(buyer, to: supplier)
            // Once contacted, the supplier may write to that buyer about anything.
            let followUp = try await harness.open(supplier, to: buyer, "We also make valves", subject: .init(kind: "exhibitor", id: buyer.companyID))
            #expect(followUp.startedBy == supplier.companyID)

            // An RFQ the supplier was sent lets it contact the buyer about that RFQ.
            let stranger = try await harness.company(.purchaser, name: "Accra Farms")
            let rfq = UUID()
            try await harness.kit.deliver(RFQPosted(
                rfqID: rfq, buyerCompanyID: stranger.companyID, categoryID: "gear-pumps", destinationCountry: "GH",
                deadline: Date(timeIntervalSinceNow: 86400), matchedCompanyIDs: [supplier.companyID], title: "500 gear pumps", postedAt: Date()))
            let aboutRFQ = try await harness.open(supplier, to: stranger, "We can deliver in May", subject: .init(kind: "rfq", id: rfq))
            #expect(aboutRFQ.subject?.title == "500 gear pumps")
            #expect(try await problem { try await harness.open(rival, to: stranger, "Us too", subject: .init(kind: "rfq", id: rfq)) }?.status == 422,
                    "an RFQ it was not sent concerns it not")
        }
    }

    @Test func badInputIsRefusedAndChangesNothing() async throws {
        try await MessagingHarness.with { harness in
            let buyer = try await harness.company(.purchaser)
            let supplier = try await harness.company(.supplier)
            let opened = try await harness.open(buyer, to: supplier)
            for text in ["", "   \n ", "bell \u{7}", String(repeating: "a", count: 4001), "e" + String(repeating: "\u{301}", count: 20_000)] {
                let refusal = try await problem { try await harness.say(text, in: opened.id, as: buyer) }
                #expect(refusal?.status == 422)
            }
            let badFile = AttachmentFields(name: "spec.pdf", contentType: "pdf", size: 0, url: "http://example.com/spec.pdf")
            let withBadFile = SendMessage(conversationID: opened.id, fields: MessageFields(text: "see file", attachments: [badFile]))
            let refused = try await problem { try await harness.send(withBadFile, as: buyer) }
            let fields: Set<String> = Set((refused?.errors ?? []).map(\.field))
            #expect(fields == ["attachments[0].contentType", "attachments[0].size", "attachments[0].url"])
            #expect(try await problem { try await harness.open(buyer, to: supplier, "x", subject: .init(kind: "product", id: UUID())) }?.status == 422)
            #expect(try await problem { try await harness.open(buyer, to: buyer, "me") }?.status == 422)
            #expect(try await problem {
                try await harness.send(OpenConversation(companyID: UUID(), text: "anyone?"), as: buyer)
            }?.status == 404)

            let outsider = try await harness.company(.purchaser, name: "Outsider")
            #expect(try await problem { try await harness.say("hi", in: opened.id, as: outsider) }?.status == 404)
            #expect(try await problem { try await harness.send(ListMessages(conversationID: opened.id), as: outsider) }?.status == 404)
            #expect(try await problem { try await harness.send(GetConversation(conversationID: opened.id), as: outsider) }?.status == 404)
            #expect(try await harness.count("SELECT count(*) FROM messages") == 1)
        }
    }

    @Test func attachmentsEditsHidingAndContactDetailWarnings() async throws {
        try await MessagingHarness.with { harness in
            let buyer = try await harness.company(.purchaser)
            let supplier = try await harness.company(.supplier)
            let opened = try await harness.open(buyer, to: supplier)
            let file = AttachmentFields(name: "drawing.pdf", contentType: "application/pdf", size: 48_000, url: "https://files.example.com/d.pdf")
            let sent = try await harness.send(
                SendMessage(conversationID: opened.id, fields: MessageFields(text: "Drawing attached", attachments: [file])), as: buyer)
            #expect(sent.attachments == [Attachment(name: "drawing.pdf", contentType: "application/pdf", size: 48_000, url: "https://files.example.com/d.pdf")])
            #expect(!sent.contactDetailsWarning)
            for text in ["write to sales@pumps.example.com", "call +86 574 8765 4321", "my WeChat is pumps88"] {
                #expect(try await harness.say(text, in: opened.id, as: supplier).contactDetailsWarning, "\(text)")
            }

            let edited = try await harness.send(EditMessage(conversationID: opened.id, messageID: sent.id, text: "Drawing v2 attached"), as: buyer)
            #expect(edited.text == "Drawing v2 attached" && edited.editedAt != nil && edited.attachments == sent.attachments)
            #expect(try await problem {
                try await harness.send(EditMessage(conversationID: opened.id, messageID: sent.id, text: "mine now"), as: supplier)
            }?.status == 404, "only its author edits it")
            harness.clock.mutate { $0 += 16 * 60 }
            #expect(try await problem {
                try await harness.send(EditMessage(conversationID: opened.id, messageID: sent.id, text: "too late"), as: buyer)
            }?.code == .editWindowClosed)

            _ = try await harness.send(HideMessage(conversationID: opened.id, messageID: sent.id), as: supplier)
            #expect(!(try await harness.send(ListMessages(conversationID: opened.id), as: supplier).items.map(\.id).contains(sent.id)))
            #expect(try await harness.send(ListMessages(conversationID: opened.id), as: buyer).items.map(\.id).contains(sent.id), "hidden for the caller only")
        }
    }

    @Test func readReceiptsAndTheFeedNumberEveryEntryOnceInCommitOrder() async throws {
        try await MessagingHarness.with { harness in
            let buyer = try await harness.company(.purchaser)
            let supplier = try await harness.company(.supplier)
            let opened = try await harness.open(buyer, to: supplier)
            let first = try #require(opened.lastMessage)
            let second = try await harness.say("Also: 200 pieces?", in: opened.id, as: buyer)
            _ = try await harness.send(MarkConversationRead(conversationID: opened.id, upTo: first.id), as: supplier)
            #expect(try await harness.send(GetUnread(), as: supplier).total == 1)
            #expect(try await harness.send(GetConversation(conversationID: opened.id), as: buyer).readByOtherUpTo == first.id)
            _ = try await harness.send(MarkConversationRead(conversationID: opened.id, upTo: nil), as: supplier)
            // Reading an older message again never moves the position back.
            _ = try await harness.send(MarkConversationRead(conversationID: opened.id, upTo: first.id), as: supplier)
            #expect(try await harness.send(GetConversation(conversationID: opened.id), as: buyer).readByOtherUpTo == second.id)
            #expect(try await harness.send(GetUnread(), as: supplier).total == 0)

            let feed = try await harness.feed(of: buyer)
            #expect(feed.map(\.cursor) == Array(1...Int64(feed.count)))
            #expect(feed.map(\.type) == ["message.created", "message.created", "message.read", "message.read"])
            let receipt = try MessageCodec.decode(ReadReceipt.self, from: Data(feed[3].data.utf8))
            #expect(receipt.upTo == second.id && receipt.companyID == supplier.companyID)
            #expect(try await harness.feed(of: buyer, after: 2).map(\.cursor) == [3, 4])
            #expect(try await harness.send(ReadFeed(after: nil), as: buyer) == FeedPage(entries: [], head: 4))
            let events = try await harness.kit.events(FeedEntryAdded.self)
            #expect(events.filter { $0.accountID == buyer.actor.accountID }.map(\.entry) == feed)
        }
    }
}
