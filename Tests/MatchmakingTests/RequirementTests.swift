import Contracts
import Foundation
@testable import Matchmaking
import Testing
import TestSupport

/// Purchasing requirements: matching, quotes and their rules, ranking, expiry on the service's clock.
@Suite(.integration) struct RequirementTests {
    func rfq(_ harness: MatchmakingHarness, _ buyer: MatchmakingHarness.Member, category: String = "gear-pumps",
             destination: String = "NG", deadline: TimeInterval = 7 * 86400) async throws -> RFQ {
        try await harness.send(PostRFQ(fields: RFQFields(
            title: "2,000 gear pumps for tractors", categoryID: category, description: "Delivery to Lagos in two batches",
            quantity: .init(amount: 2000, unit: "pieces"), targetPrice: .init(amount: 95.5, currency: "usd"),
            destinationCountry: destination, deadline: (harness.clock.value + deadline).formatted(.iso8601))), as: buyer)
    }

    func quote(_ harness: MatchmakingHarness, _ rfq: RFQ, by supplier: MatchmakingHarness.Member, price: Double = 90, days: Int = 30) async throws -> Quote {
        try await harness.send(SubmitQuote(rfqID: rfq.id, fields: QuoteFields(
            unitPrice: .init(amount: price, currency: "USD"), leadTimeDays: days, terms: "FOB Ningbo")), as: supplier)
    }

    @Test func anRFQGoesToTheFittingVerifiedSuppliersThatServeItsDestination() async throws {
        try await MatchmakingHarness.with { harness in
            let buyer = try await harness.company(.purchaser, name: "Lagos Tractors Ltd", country: "NG")
            let exact = try await harness.company(name: "Exact Pumps", verified: true)
            try await harness.product(exact, category: "gear-pumps")
            let below = try await harness.company(name: "Pump Family", verified: true)
            try await harness.product(below, name: "Vacuum pump", category: "vacuum-pumps")
            let showcase = try await harness.company(name: "Hydraulics Generalist", verified: true)
            _ = try await harness.send(SetExhibitor(description: nil, categoryIDs: ["industrial-machinery"], website: nil,
                                                    yearEstablished: nil, employees: nil, mainMarkets: ["NG"]), as: showcase)
            let elsewhere = try await harness.company(name: "Europe Only Pumps", verified: true)
            try await harness.product(elsewhere, category: "gear-pumps")
            _ = try await harness.send(SetExhibitor(description: nil, categoryIDs: [], website: nil, yearEstablished: nil, employees: nil,
                                                    mainMarkets: ["DE", "FR"]), as: elsewhere)
            let unverified = try await harness.company(name: "Unverified Pumps")
            try await harness.product(unverified, category: "gear-pumps", status: "draft")
            let unrelated = try await harness.company(name: "Robots Inc", verified: true)
            try await harness.product(unrelated, name: "Welding robot", category: "welding-robots")

            // "pumps" is the parent of gear pumps and vacuum pumps: the whole family fits.
            let posted = try await rfq(harness, buyer, category: "pumps")
            #expect(posted.status == .open && posted.matchedSuppliers == 3 && posted.buyerName == "Lagos Tractors Ltd")
            let event = try #require(try await harness.kit.events(RFQPosted.self).first)
            #expect(Set(event.matchedCompanyIDs) == [exact.companyID, below.companyID, showcase.companyID])

            for member in [exact, below, showcase] {
                let seen = try await harness.send(GetRFQ(rfqID: posted.id), as: member)
                #expect(seen.matchedSuppliers == nil, "suppliers do not see how many others got it")
                #expect(try await harness.send(ListRFQs(mine: false), as: member).items.map(\.id) == [posted.id])
            }
            for member in [elsewhere, unverified, unrelated] {
                #expect(try await problem { try await harness.send(GetRFQ(rfqID: posted.id), as: member) }?.status == 404)
                #expect(try await harness.send(ListRFQs(mine: false), as: member).items.isEmpty)
            }
            #expect(try await harness.send(ListRFQs(mine: true), as: buyer).items.map(\.id) == [posted.id])
            #expect(try await problem { try await rfq(harness, exact) }?.status == 403, "suppliers do not post RFQs")
        }
    }

    @Test func oneQuotePerSupplierRankedByFitAndDecidedOnce() async throws {
        try await MatchmakingHarness.with { harness in
            let buyer = try await harness.company(.purchaser, country: "NG")
            let exact = try await harness.company(name: "Exact Pumps", verified: true)
            try await harness.product(exact, category: "gear-pumps")
            let showcase = try await harness.company(name: "Showcase Pumps", verified: true)
            _ = try await harness.send(SetExhibitor(description: nil, categoryIDs: ["pumps"], website: nil, yearEstablished: nil,
                                                    employees: nil, mainMarkets: nil), as: showcase)
            let posted = try await rfq(harness, buyer)

            // The showcase-only supplier is faster, but fits less.
            let fast = try await quote(harness, posted, by: showcase, days: 7)
            let fitting = try await quote(harness, posted, by: exact, days: 40)
            #expect(fast.fit == nil, "a supplier does not see the ranking")
            #expect(try await problem { try await quote(harness, posted, by: exact) }?.code == .quoteExists)
            let ranked = try await harness.send(ListQuotes(rfqID: posted.id), as: buyer).items
            #expect(ranked.map(\.id) == [fitting.id, fast.id])
            #expect(ranked.first?.fit?.reasons.contains("lists products in this very category") == true)
            #expect(try await harness.send(ListQuotes(rfqID: posted.id), as: showcase).items.map(\.id) == [fast.id], "only its own")
            #expect(try await harness.kit.events(QuoteSubmitted.self).count == 2)

            let revised = try await harness.send(ReviseQuote(
                rfqID: posted.id, quoteID: fast.id, fields: QuoteFields(unitPrice: .init(amount: 85.25, currency: "usd"))), as: showcase)
            #expect(revised.unitPrice == Money(amount: Decimal(string: "85.25")!, currency: "USD") && revised.leadTimeDays == 7)
            #expect(try await problem {
                try await harness.send(ReviseQuote(rfqID: posted.id, quoteID: fast.id, fields: QuoteFields(leadTimeDays: 1)), as: exact)
            }?.status == 404, "not another supplier's")
            #expect(try await problem {
                try await harness.send(DecideQuote(rfqID: posted.id, quoteID: fast.id, decision: "accept"), as: exact)
            }?.status == 404, "only the buyer decides")

            let accepted = try await harness.send(DecideQuote(rfqID: posted.id, quoteID: fitting.id, decision: "accept"), as: buyer)
            #expect(accepted.status == .accepted)
            #expect(try await problem {
                try await harness.send(DecideQuote(rfqID: posted.id, quoteID: fitting.id, decision: "decline"), as: buyer)
            }?.code == .quoteDecided)
            #expect(try await problem {
                try await harness.send(ReviseQuote(rfqID: posted.id, quoteID: fitting.id, fields: QuoteFields(leadTimeDays: 20)), as: exact)
            }?.code == .quoteDecided)
            #expect(try await harness.kit.events(QuoteDecided.self).map(\.status) == [.accepted])
        }
    }

    @Test func anRFQTakesAtMostTwentyQuotes() async throws {
        try await MatchmakingHarness.with { harness in
            let buyer = try await harness.company(.purchaser, country: "NG")
            var suppliers: [MatchmakingHarness.Member] = []
            for index in 0..<21 {
                let supplier = try await harness.company(name: "Pump Maker \(index)", verified: true)
                try await harness.product(supplier, category: "gear-pumps")
                suppliers.append(supplier)
            }
            let posted = try await rfq(harness, buyer)
            for supplier in suppliers.prefix(20) { _ = try await quote(harness, posted, by: supplier) }
            let full = try await problem { try await quote(harness, posted, by: suppliers[20]) }
            #expect(full?.status == 409 && full?.code == .rfqFull)
            #expect(try await harness.count("SELECT count(*) FROM quotes") == 20)
        }
    }

    @Test func theDeadlineEndsQuotingAndTheTimerAnnouncesItOnceWithSeveralReplicas() async throws {
        try await MatchmakingHarness.with { harness in
            let buyer = try await harness.company(.purchaser, country: "NG")
            let supplier = try await harness.company(verified: true)
            let late = try await harness.company(name: "Late Pumps", verified: true)
            try await harness.product(supplier, category: "gear-pumps")
            try await harness.product(late, category: "gear-pumps")
            let posted = try await rfq(harness, buyer, deadline: 2 * 3600)
            _ = try await quote(harness, posted, by: supplier)
            #expect(try await harness.expireDue() == 0, "not due yet")

            harness.clock.mutate { $0 += 3 * 3600 }
            #expect(try await harness.send(GetRFQ(rfqID: posted.id), as: buyer).status == .expired, "expired before the timer ran")
            #expect(try await problem { try await quote(harness, posted, by: late) }?.code == .rfqClosed)
            #expect(try await harness.send(ListRFQs(mine: false), as: late).items.isEmpty)

            // Three replicas' timers fire at once: one of them expires it, and it is announced once.
            let counts = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<3 { group.addTask { try await harness.expireDue() } }
                return try await group.reduce(0, +)
            }
            #expect(counts == 1)
            #expect(try await harness.expireDue() == 0)
            #expect(try await harness.kit.events(RFQExpired.self).map(\.rfqID) == [posted.id])
            // The buyer can still decide on what arrived in time.
            let received = try #require(try await harness.send(ListQuotes(rfqID: posted.id), as: buyer).items.first)
            #expect(try await harness.send(DecideQuote(rfqID: posted.id, quoteID: received.id, decision: "decline"), as: buyer).status == .declined)
        }
    }

    @Test func everyBadRFQFieldIsNamedAndClosingIsTheBuyersAlone() async throws {
        try await MatchmakingHarness.with { harness in
            let buyer = try await harness.company(.purchaser, country: "NG")
            let other = try await harness.company(.purchaser, name: "Other Buyer", country: "KE")
            let bad = try await problem {
                try await harness.send(PostRFQ(fields: RFQFields(
                    title: "", categoryID: "nope", quantity: .init(amount: 0, unit: nil), targetPrice: .init(amount: -1, currency: "XYZ"),
                    destinationCountry: "ZZ", deadline: "tomorrow")), as: buyer)
            }
            #expect(Set(bad?.errors?.map(\.field) ?? []) == [
                "title", "categoryID", "quantity.amount", "quantity.unit", "targetPrice.amount", "targetPrice.currency", "destinationCountry",
                "deadline",
            ])
            let past = try await problem {
                try await harness.send(PostRFQ(fields: RFQFields(
                    title: "Pumps", categoryID: "pumps", quantity: .init(amount: 1, unit: "set"), destinationCountry: "NG",
                    deadline: (harness.clock.value - 60).formatted(.iso8601))), as: buyer)
            }
            #expect(past?.errors?.map(\.field) == ["deadline"])
            #expect(try await harness.count("SELECT count(*) FROM rfqs") == 0)

            let posted = try await rfq(harness, buyer)
            #expect(try await problem { try await harness.send(CloseRFQ(rfqID: posted.id), as: other) }?.status == 404)
            #expect(try await harness.send(CloseRFQ(rfqID: posted.id), as: buyer).status == .closed)
            #expect(try await harness.send(CloseRFQ(rfqID: posted.id), as: buyer).status == .closed, "again: no change")
        }
    }

    @Test func erasingTheBuyerDeletesItsRFQsWithTheirQuotes() async throws {
        try await MatchmakingHarness.with { harness in
            let buyer = try await harness.company(.purchaser, country: "NG")
            let supplier = try await harness.company(verified: true)
            try await harness.product(supplier, category: "gear-pumps")
            let posted = try await rfq(harness, buyer)
            _ = try await quote(harness, posted, by: supplier)
            let task = DataSubjectTask(requestID: UUID(), accountID: buyer.actor.accountID)
            let export = try await harness.export(task)
            #expect(export.document.contains(posted.id.uuidString))
            let supplierTask = DataSubjectTask(requestID: UUID(), accountID: supplier.actor.accountID)
            #expect(try await harness.export(supplierTask).document.contains(posted.id.uuidString),
                    "the supplier's export names the quote it submitted")
            _ = try await harness.send(.erase, task, as: ErasureOutcome.self)
            #expect(try await harness.count("SELECT count(*) FROM rfqs") == 0)
            #expect(try await harness.count("SELECT count(*) FROM quotes") == 0)
        }
    }
}

extension RequirementTests {
    @Test func anRFQThatIsEvidenceInAnOpenComplaintHoldsItsPostersErasure() async throws {
        try await MatchmakingHarness.with { harness in
            let buyer = try await harness.company(.purchaser, country: "NG")
            let posted = try await rfq(harness, buyer)
            let complaint = UUID()
            let changed = { (status: ComplaintStatus) in
                ComplaintChanged(
                    complaintID: complaint, complainantCompanyID: UUID(), respondentCompanyID: buyer.companyID, step: "filed", party: .complainant,
                    status: status, evidence: HeldEvidence(rfqIDs: [posted.id]), at: Date())
            }
            try await harness.kit.deliver(changed(.negotiating))
            let task = DataSubjectTask(requestID: UUID(), accountID: buyer.actor.accountID)
            #expect(try await harness.send(.erase, task, as: ErasureOutcome.self).state == .postponed)
            #expect(try await harness.count("SELECT count(*) FROM rfqs") == 1)
            try await harness.kit.deliver(changed(.withdrawn))
            #expect(try await harness.send(.erase, task, as: ErasureOutcome.self).state == .done)
            #expect(try await harness.count("SELECT count(*) FROM rfqs") == 0)
        }
    }
}
