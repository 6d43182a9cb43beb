import Contracts
import Foundation
@testable import Messaging
import Testing
import TestSupport

/// Complaints' steps in messaging: the other side is told live, and a conversation that is
/// evidence in an open complaint holds its authors' erasure until the complaint closes.
@Suite(.integration) struct ComplaintNoticeTests {
    @Test func theOtherSideIsToldAndAHeldConversationWaitsForTheComplaintToClose() async throws {
        try await MessagingHarness.with { harness in
            let buyer = try await harness.company()
            let supplier = try await harness.company(.supplier, name: "Ningbo Hydraulics Co.")
            let conversation = try await harness.open(buyer, to: supplier)
            _ = try await harness.say("The seals leak.", in: conversation.id, as: buyer)
            let complaintID = UUID()
            let changed = { (step: String, party: ComplaintParty, status: ComplaintStatus) in
                ComplaintChanged(
                    complaintID: complaintID, complainantCompanyID: buyer.companyID, respondentCompanyID: supplier.companyID, step: step,
                    party: party, status: status, evidence: HeldEvidence(conversationIDs: [conversation.id]), at: Date())
            }
            let support = Actor(accountID: UUID(), roles: ["support"], sessionID: UUID())
            #expect(try await problem { try await harness.send(ListMessages(conversationID: conversation.id), actor: support) }?.status == 404)
            try await harness.kit.deliver(changed("filed", .complainant, .negotiating))
            // The conversation is evidence: support staff may read it, and each read is recorded.
            #expect(try await harness.send(ListMessages(conversationID: conversation.id), actor: support).items.map(\.text).contains("The seals leak."))
            #expect(try await harness.count("SELECT count(*) FROM staff_reads WHERE staff_id = \(support.accountID)") == 1)
            let told = try await harness.send(ListNotifications(), as: supplier).items
            #expect(told.map(\.type) == ["complaint-filed"] && told.first?.data["complaintId"] == complaintID.uuidString.lowercased())
            #expect(try await harness.send(ListNotifications(), as: buyer).items.isEmpty, "the complainant knows")

            let task = DataSubjectTask(requestID: UUID(), accountID: buyer.actor.accountID)
            let held = try await harness.kit.send(.erase, task, as: ErasureOutcome.self)
            #expect(held.state == .postponed && held.reason?.hasPrefix("evidence in an open complaint") == true)
            #expect(try await harness.count("SELECT count(*) FROM messages WHERE text = 'The seals leak.'") == 1, "nothing erased yet")

            try await harness.kit.deliver(changed("decided", .staff, .decided))
            #expect(try await harness.send(ListNotifications(), as: buyer).items.map(\.type) == ["complaint-decided"], "staff's steps go to both")
            #expect(try await harness.kit.send(.erase, task, as: ErasureOutcome.self).state == .done, "released once closed")
            #expect(try await harness.count("SELECT count(*) FROM messages WHERE text = 'The seals leak.'") == 0)
        }
    }
}
