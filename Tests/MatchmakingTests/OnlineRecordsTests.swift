import Contracts
import Foundation
@testable import Matchmaking
import MessageBus
import Testing
import TestSupport

/// Online records, the buyer interest suppliers see, recommendations and statistics, and the
/// choices (restriction, objection, consent) each honours.
@Suite(.integration) struct OnlineRecordsTests {
    func consent(_ harness: MatchmakingHarness, _ member: MatchmakingHarness.Member, analytics: Bool, personalization: Bool = true) async throws {
        try await harness.kit.deliver(ConsentChanged(
            subjectID: member.actor.accountID, analytics: analytics, personalization: personalization, policyVersion: "2026-11",
            changedAt: Date()))
    }

    @Test func visitsAndSearchesAreTheVisitorsOwnToListAndClear() async throws {
        try await MatchmakingHarness.with { harness in
            let supplier = try await harness.company(verified: true)
            let buyer = try await harness.company(.purchaser)
            let product = try await harness.product(supplier)
            _ = try await harness.send(GetProduct(productID: product.id), as: buyer)
            _ = try await harness.send(GetExhibitor(companyID: supplier.companyID), as: buyer)
            _ = try await harness.search("gear pump", as: buyer)
            _ = try await harness.send(GetProduct(productID: product.id), as: supplier)
            _ = try await harness.send(GetProduct(productID: product.id))
            _ = try await harness.send(ReportVisitDuration(kind: "product", id: product.id.uuidString, durationSeconds: 42), as: buyer)

            let history = try await harness.send(GetHistory(), as: buyer)
            #expect(history.visits.map(\.kind) == [.exhibitor, .product])
            #expect(history.visits.last?.durationSeconds == 42 && history.visits.last?.name == "Hydraulic gear pump")
            #expect(history.searches.map(\.query) == ["gear pump"])
            #expect(try await harness.send(GetHistory(), as: supplier).visits.isEmpty, "one's own products do not count")
            #expect(try await harness.count("SELECT count(*) FROM visits") == 2, "anonymous visitors are not recorded")
            let active = try await harness.kit.events(ActivityRecorded.self).map(\.accountID)
            #expect(active == [buyer.actor.accountID], "marketing hears of a day's activity once, never of one's own pages")
            #expect(try await problem {
                try await harness.send(ReportVisitDuration(kind: "exhibitor", id: UUID().uuidString, durationSeconds: 5), as: buyer)
            }?.status == 404)

            _ = try await harness.send(ClearHistory(), as: buyer)
            #expect(try await harness.send(GetHistory(), as: buyer) == History(visits: [], searches: []))
        }
    }

    @Test func aRestrictedPersonIsNotRecordedAndAnExportHoldsTheRecords() async throws {
        try await MatchmakingHarness.with { harness in
            let supplier = try await harness.company(verified: true)
            let buyer = try await harness.company(.purchaser)
            let product = try await harness.product(supplier)
            _ = try await harness.search("pump", as: buyer)
            let task = DataSubjectTask(requestID: UUID(), accountID: buyer.actor.accountID)
            #expect(try await harness.export(task).document.contains("\"query\":\"pump\""))
            _ = try await harness.send(.restrict, RestrictProcessing(task: task, restricted: true), as: ProcessingRestriction.self)
            _ = try await harness.send(GetProduct(productID: product.id), as: buyer)
            _ = try await harness.search("valve", as: buyer)
            #expect(try await harness.count("SELECT count(*) FROM visits") == 0)
            #expect(try await harness.count("SELECT count(*) FROM searches") == 1)
            _ = try await harness.send(.erase, task, as: ErasureOutcome.self)
            #expect(try await harness.count("SELECT count(*) FROM searches") == 0)
            #expect(try await harness.count("SELECT count(*) FROM activity_days") == 0)
        }
    }

    @Test func suppliersSeeInterestedBuyersAsCompanyCardsUnlessTheyObjected() async throws {
        try await MatchmakingHarness.with { harness in
            let supplier = try await harness.company(verified: true)
            let viewer = try await harness.company(.purchaser, name: "Viewing Buyer", country: "NG")
            let follower = try await harness.company(.purchaser, name: "Following Buyer", country: "KE")
            let objector = try await harness.company(.purchaser, name: "Private Buyer", country: "DE")
            let product = try await harness.product(supplier)
            _ = try await harness.send(GetProduct(productID: product.id), as: viewer)
            _ = try await harness.send(GetProduct(productID: product.id), as: viewer)
            _ = try await harness.send(FollowTarget(kind: "exhibitor", id: supplier.companyID.uuidString), as: follower)
            _ = try await harness.send(.object, RecordObjection(
                task: DataSubjectTask(requestID: UUID(), accountID: objector.actor.accountID), scope: .legitimateInterest), as: Objections.self)
            _ = try await harness.send(GetProduct(productID: product.id), as: objector)

            let interest = try await harness.send(GetBuyerInterest(), as: supplier)
            #expect(Set(interest.items.map(\.name)) == ["Viewing Buyer", "Following Buyer"])
            let viewing = try #require(interest.items.first { $0.name == "Viewing Buyer" })
            #expect(viewing.views == 2 && viewing.follows == 0 && viewing.country == "NG")
            #expect(!String(decoding: try MessageCodec.encode(interest), as: UTF8.self).contains("Zhang Min"), "cards only")
            #expect(try await problem { try await harness.send(GetBuyerInterest(), as: viewer) }?.status == 403)
        }
    }

    @Test func recommendationsCarryTheirReasonAndStopOnObjection() async throws {
        try await MatchmakingHarness.with { harness in
            let supplier = try await harness.company(verified: true)
            let other = try await harness.company(name: "Valve Works", verified: true)
            let buyer = try await harness.company(.purchaser, country: "NG")
            let pump = try await harness.product(supplier, name: "Gear pump GP-1", category: "gear-pumps")
            let valve = try await harness.product(other, name: "Ball valve BV-2", category: "ball-valves")
            try await harness.product(other, name: "Ball valve BV-3", category: "ball-valves")
            let rfq = try await harness.send(PostRFQ(fields: RFQFields(
                title: "Gear pumps", categoryID: "gear-pumps", quantity: .init(amount: 10, unit: "pieces"), destinationCountry: "NG",
                deadline: (harness.clock.value + 86400).formatted(.iso8601))), as: buyer)
            _ = try await harness.send(GetProduct(productID: valve.id), as: buyer)

            let forBuyer = try await harness.send(GetRecommendations(), as: buyer)
            #expect(forBuyer.personalized)
            #expect(forBuyer.items.first { $0.id == pump.id }?.reason == "matches your RFQ “Gear pumps”")
            #expect(forBuyer.items.contains { $0.name == "Ball valve BV-3" && $0.reason.contains("which you viewed") })
            let forSupplier = try await harness.send(GetRecommendations(), as: supplier)
            #expect(forSupplier.items.map(\.id) == [rfq.id] && forSupplier.items.first?.kind == .rfq)

            _ = try await harness.send(.object, RecordObjection(
                task: DataSubjectTask(requestID: UUID(), accountID: buyer.actor.accountID), scope: .profiling), as: Objections.self)
            #expect(try await harness.send(GetRecommendations(), as: buyer) == Recommendations(personalized: false, items: []))
            try await consent(harness, supplier, analytics: false, personalization: false)
            #expect(try await harness.send(GetRecommendations(), as: supplier).personalized == false, "refused personalization")
        }
    }

    @Test func statisticsCountOnlyConsentingVisitorsAndNameNoOne() async throws {
        try await MatchmakingHarness.with { harness in
            let supplier = try await harness.company(verified: true)
            let product = try await harness.product(supplier)
            var buyers: [MatchmakingHarness.Member] = []
            for index in 0..<4 { buyers.append(try await harness.company(.purchaser, name: "Buyer \(index)")) }
            for (index, buyer) in buyers.enumerated() {
                if index < 3 { try await consent(harness, buyer, analytics: true) }
                _ = try await harness.send(GetProduct(productID: product.id), as: buyer)
                _ = try await harness.search(index < 3 ? "Gear Pump" : "unique words", as: buyer)
            }
            _ = try await harness.search("rare query", as: buyers[0])
            let admin = MatchmakingHarness.Member(actor: Actor(accountID: UUID(), roles: ["admin"]))
            // The harness's clock stands still; the records carry the database's time.
            let statistics = try await harness.kit.send(GetStatistics(from: nil, to: Date(timeIntervalSinceNow: 60).formatted(.iso8601)), actor: admin.actor)
            #expect(statistics.visitors == 3 && statistics.sessions == 3, "the fourth allowed no analytics")
            #expect(statistics.topPages == [PageViews(kind: .product, id: product.id, name: "Hydraulic gear pump", views: 3)])
            #expect(statistics.topSearches == [SearchCount(query: "gear pump", count: 3)], "only queries at least three visitors made")
            let encoded = String(decoding: try MessageCodec.encode(statistics), as: UTF8.self)
            for buyer in buyers { #expect(!encoded.contains(buyer.actor.accountID.uuidString)) }
            #expect(try await problem { try await harness.send(GetStatistics(from: nil, to: nil), as: buyers[0]) }?.status == 403)
            let bad = try await problem { try await harness.kit.send(GetStatistics(from: "yesterday", to: nil), actor: admin.actor) }
            #expect(bad?.errors?.map(\.field) == ["from"])
        }
    }
}
