@testable import Complaints
import Contracts
import Foundation
import Testing
import TestSupport

/// The lifecycle through the handlers on the real database: negotiation, proposals, escalation on
/// the clock, staff's review and decision, with every step in the timeline.
@Suite(.integration) struct ComplaintLifecycleTests {
    @Test func aComplaintIsNegotiatedEscalatedOnTheClockAssignedAndDecided() async throws {
        try await ComplaintsHarness.with { harness in
            let buyer = ComplaintsHarness.member()
            let supplier = ComplaintsHarness.member(roles: ["supplier"])
            let quote = try await harness.quote(buyer: try #require(buyer.companyID), supplier: try #require(supplier.companyID))
            let filed = try await harness.file(buyer, against: try #require(supplier.companyID), about: .init(kind: .quote, id: quote))
            #expect(filed.status == .negotiating && filed.viewerParty == .complainant && filed.filedBy == buyer.accountID)
            #expect(filed.respondBy == harness.clock.value + 3 * 86400 && filed.negotiationEndsAt == harness.clock.value + 7 * 86400)

            // The supplier answers and proposes; the buyer rejects; escalation is refused before its time.
            #expect(try await harness.act(supplier, filed.id, "reply", text: "We will test the batch.").respondedAt != nil)
            let offered = try await harness.act(supplier, filed.id, "propose", proposal: ProposalFields(outcome: "partial-refund",
                                                amount: .init(amount: 250, currency: "usd")))
            #expect(offered.openProposal?.amount == Money(amount: 250, currency: "USD") && offered.openProposal?.proposedBy == .respondent)
            let own = try await problem { try await harness.act(supplier, filed.id, "accept") }
            #expect(own?.code == .transitionNotAllowed, "nobody accepts their own proposal")
            #expect(try await harness.act(buyer, filed.id, "reject", text: "Not enough.").openProposal == nil)
            let early = try await problem { try await harness.act(buyer, filed.id, "escalate") }
            #expect(early?.status == 409 && early?.code == .transitionNotAllowed)
            #expect(try await harness.tick() == 0, "the respondent answered, the window is open")

            // The window ends: the timer escalates once, whatever the number of rounds.
            harness.advance(days: 7)
            #expect(try await harness.tick() == 1)
            #expect(try await harness.tick() == 0)
            let staff = ComplaintsHarness.staff()
            let queued = try await harness.kit.send(ListComplaintQueue(status: "escalated"), actor: staff).items
            #expect(queued.map(\.id) == [filed.id])
            let escalated = try #require(queued.first)
            // Escalated on Monday: two working days later is Wednesday, same time.
            #expect(escalated.decideBy == harness.clock.value + 2 * 86400 && !escalated.overdue)
            #expect(try await problem { try await harness.act(buyer, filed.id, "propose", proposal: ProposalFields(outcome: "refund",
                                                            amount: .init(amount: 900, currency: "USD"))) }?.code == .transitionNotAllowed)

            let assigned = try await harness.kit.send(AssignComplaint(complaintID: filed.id), actor: staff)
            #expect(assigned.status == .underReview && assigned.assignedTo == staff.accountID)
            _ = try await harness.kit.send(AddStaffNote(complaintID: filed.id, text: "Lab report requested."), actor: staff)
            harness.advance(days: 3)
            #expect(try await harness.kit.send(ListComplaintQueue(overdue: "true"), actor: staff).items.map(\.id) == [filed.id], "past the decision clock")
            let decided = try await harness.kit.send(DecideComplaint(
                complaintID: filed.id, outcome: "replacement", reason: "The lab confirmed the seals were faulty."), actor: staff)
            #expect(decided.status == .decided && decided.closedAt != nil && decided.staffNotes?.map(\.text) == ["Lab report requested."])

            // Both parties see the decision and its reason; neither sees staff's notes or the agent.
            for party in [buyer, supplier] {
                let seen = try await harness.kit.send(GetComplaint(complaintID: filed.id), actor: party)
                #expect(seen.decision?.outcome == .replacement && seen.decision?.reason == "The lab confirmed the seals were faulty.")
                #expect(seen.staffNotes == nil && seen.assignedTo == nil)
            }
            let timeline = try await harness.timeline(filed.id, as: supplier)
            #expect(timeline.map(\.kind) == ["filed", "replied", "proposed", "rejected", "escalated", "assigned", "decided"])
            #expect(timeline.map(\.party) == [.complainant, .respondent, .respondent, .complainant, .system, .staff, .staff])
            #expect(timeline[1].actor == supplier.accountID && timeline[4].actor == nil && timeline[4].text == "the negotiation window ended unresolved")
            #expect(try await problem { try await harness.act(buyer, filed.id, "withdraw") }?.code == .transitionNotAllowed, "decided is final")

            // Every step is announced with what it holds: the quote and its RFQ, released by the decision.
            let announced = try await harness.kit.events(ComplaintChanged.self)
            #expect(announced.map(\.step) == timeline.map(\.kind))
            #expect(announced.first?.evidence.quoteIDs == [quote] && announced.first?.evidence.rfqIDs.count == 1)
            #expect(announced.first?.companiesToTell == [try #require(supplier.companyID)] && announced.last?.status == .decided)
        }
    }

    @Test func aSilentRespondentIsEscalatedAtItsDeadlineAndAnAgreementClosesAnother() async throws {
        let settings = ComplaintsSettings(clocks: [.fraud: ComplaintClock(responseDays: 1, negotiationDays: 5, decisionWorkingDays: 1)])
        try await ComplaintsHarness.with(settings) { harness in
            let buyer = ComplaintsHarness.member()
            let supplier = ComplaintsHarness.member(roles: ["supplier"])
            let quote = try await harness.quote(buyer: try #require(buyer.companyID), supplier: try #require(supplier.companyID))
            let fraud = try await harness.file(buyer, against: try #require(supplier.companyID), about: .init(kind: .quote, id: quote), category: "fraud")
            #expect(fraud.respondBy == harness.clock.value + 86400, "the category's own clock")
            harness.advance(days: 1.5)
            #expect(try await harness.kit.send(GetComplaint(complaintID: fraud.id), actor: buyer).overdue)
            #expect(try await harness.tick() == 1)
            let events = try await harness.timeline(fraud.id, as: buyer)
            #expect(events.last?.kind == "escalated" && events.last?.text == "the respondent did not answer in time")

            let agreed = try await harness.file(buyer, against: try #require(supplier.companyID), about: .init(kind: .quote, id: quote), category: "delivery")
            _ = try await harness.act(buyer, agreed.id, "propose", proposal: ProposalFields(outcome: "replacement"))
            let resolved = try await harness.act(supplier, agreed.id, "accept")
            #expect(resolved.status == .resolved && resolved.closedAt != nil)
            #expect(try await harness.timeline(agreed.id, as: supplier).last?.proposal?.outcome == .replacement, "what was agreed is on record")

            let withdrawn = try await harness.file(buyer, against: try #require(supplier.companyID), about: .init(kind: .quote, id: quote))
            #expect(try await problem { try await harness.act(supplier, withdrawn.id, "withdraw") }?.code == .transitionNotAllowed, "the complainant's alone")
            #expect(try await harness.act(buyer, withdrawn.id, "withdraw").status == .withdrawn)
        }
    }

    @Test func theLifecycleRulesForEveryStateActionAndParty() {
        // What may happen while negotiating, by the complainant, with the respondent's proposal open.
        #expect(ComplaintLifecycle.next(.negotiating, .accept, by: .complainant, openProposalBy: .respondent, escalatable: false) == .resolved)
        #expect(ComplaintLifecycle.next(.negotiating, .accept, by: .complainant, openProposalBy: nil, escalatable: false) == nil)
        #expect(ComplaintLifecycle.next(.negotiating, .escalate, by: .respondent, openProposalBy: nil, escalatable: true) == .escalated)
        #expect(ComplaintLifecycle.next(.escalated, .propose, by: .complainant, openProposalBy: nil, escalatable: true) == nil)
        #expect(ComplaintLifecycle.next(.underReview, .reply, by: .respondent, openProposalBy: nil, escalatable: true) == .underReview)
        #expect(ComplaintLifecycle.next(.underReview, .withdraw, by: .complainant, openProposalBy: nil, escalatable: true) == .withdrawn)
        for status in ComplaintStatus.allCases where status.isClosed {
            for action in ComplaintAction.allCases {
                #expect(ComplaintLifecycle.next(status, action, by: .complainant, openProposalBy: .respondent, escalatable: true) == nil)
            }
        }
        for action in ComplaintAction.allCases {
            #expect(ComplaintLifecycle.next(.negotiating, action, by: .staff, openProposalBy: .respondent, escalatable: true) == nil, "staff decide, not negotiate")
        }
    }

    @Test func workingDaysSkipWeekendsAndHolidays() {
        let friday = Date(timeIntervalSince1970: 1_796_983_200) // Friday 2026-12-11 10:00 UTC
        let calendar = BusinessCalendar(holidays: ["2026-12-15"])
        #expect(calendar.adding(workingDays: 2, to: friday) == friday + 5 * 86400, "Monday, then Tuesday's holiday skipped: Wednesday")
        #expect(BusinessCalendar().adding(workingDays: 1, to: friday + 86400) == friday + 3 * 86400, "from Saturday: Monday")
    }
}

extension ComplaintLifecycleTests {
    @Test func aDueTimerFiresOnceAcrossReplicasAndStillFiresWhenAReplicaStopsMidRound() async throws {
        try await ComplaintsHarness.with { harness in
            let buyer = ComplaintsHarness.member()
            let supplier = ComplaintsHarness.member(roles: ["supplier"])
            let quote = try await harness.quote(buyer: try #require(buyer.companyID), supplier: try #require(supplier.companyID))
            let first = try await harness.file(buyer, against: try #require(supplier.companyID), about: .init(kind: .quote, id: quote))
            harness.advance(days: 4)

            // A replica claimed the due complaint and stopped before committing: while its transaction
            // holds the row, the others pass it by; once it is gone, the next round escalates it.
            try await harness.kit.database.withConnection { connection in
                try await connection.query("BEGIN", logger: harness.kit.logger)
                try await connection.query("SELECT id FROM complaints WHERE id = \(first.id) FOR UPDATE", logger: harness.kit.logger)
                #expect(try await harness.tick() == 0)
                try await connection.query("ROLLBACK", logger: harness.kit.logger)
            }
            #expect(try await harness.tick() == 1)

            // Two replicas on the same round: one escalation.
            let second = try await harness.file(buyer, against: try #require(supplier.companyID), about: .init(kind: .quote, id: quote))
            harness.advance(days: 4)
            async let one = harness.tick()
            async let other = harness.tick()
            #expect(try await one + other == 1)
            #expect(try await harness.timeline(second.id, as: buyer).filter { $0.kind == "escalated" }.count == 1)
        }
    }
}
