import Contracts
import Foundation
@testable import Matchmaking
import Testing
import TestSupport

/// Search as a purchaser meets it: ranked, typo-tolerant, filtered, faceted, paged, and never an error.
@Suite(.integration) struct SearchTests {
    @Test func theNameOutranksKeywordsAndTheDescriptionAndTyposStillFind() async throws {
        try await MatchmakingHarness.with { harness in
            let supplier = try await harness.company(verified: true)
            let byName = try await harness.product(supplier, name: "Hydraulic gear pump HGP-3", category: "gear-pumps")
            let byDescription = try await harness.product(
                supplier, name: "Power unit PU-7", category: "hydraulic-power-units", description: "Compact unit with a hydraulic pump inside")
            let byKeyword = try await harness.product(supplier, name: "Motor HM-2", category: "hydraulic-motors", keywords: ["hydraulic"])
            try await harness.product(supplier, name: "Ball valve DN50", category: "ball-valves")

            let ranked = try await harness.search("hydraulic")
            #expect(ranked.results.map(\.id) == [byName.id, byKeyword.id, byDescription.id])
            #expect(ranked.total == 3)
            for typo in ["hydralic", "hyrdaulic pump", "HYDRAULIK"] {
                #expect(try await harness.search(typo).results.first?.id == byName.id, "'\(typo)' finds it")
            }
            #expect(try await harness.search("hydr").total == 3, "a short query matches as a prefix")
            #expect(try await harness.search("hydraulic gea").results.map(\.id) == [byName.id], "the last word is a prefix while typed")
            #expect(try await harness.search("valve").results.map(\.name) == ["Ball valve DN50"])
        }
    }

    @Test func aKnownWordIsNotCorrectedIntoItsNeighbours() async throws {
        try await MatchmakingHarness.with { harness in
            let supplier = try await harness.company(verified: true)
            try await harness.product(supplier, name: "Aluminium instrument case")
            try await harness.product(supplier, name: "Cast iron manifold")
            #expect(try await harness.search("case").results.map(\.name) == ["Aluminium instrument case"])
            #expect(try await harness.search("caste").total == 2, "a word the dictionary does not know is corrected")
        }
    }

    @Test func snippetsArePlainTextWithHighlightRanges() async throws {
        try await MatchmakingHarness.with { harness in
            let supplier = try await harness.company(verified: true)
            try await harness.product(supplier, name: "Gear pump", description: "Cast iron <b>gear</b> pump for lubrication oil")
            let result = try #require(try await harness.search("lubrication").results.first)
            #expect(!result.snippet.contains("\u{1}") && !result.snippet.contains("\u{2}"), "no marks left in the text")
            let highlighted = result.highlights.map { highlight in
                let utf16 = Array(result.snippet.utf16)
                return String(decoding: utf16[highlight.offset..<(highlight.offset + highlight.length)], as: UTF16.self)
            }
            #expect(highlighted == ["lubrication"])
        }
    }

    @Test func filtersNarrowAndFacetsCountTheWholeMatch() async throws {
        try await MatchmakingHarness.with { harness in
            let chinese = try await harness.company(verified: true)
            let german = try await harness.company(name: "Rhein Pumpen GmbH", country: "DE", verified: true)
            let euro = ProductFields.Price(min: 100, max: 200, currency: "EUR")
            try await harness.product(chinese, name: "Gear pump A", category: "gear-pumps", price: .init(min: 50, max: 80, currency: "USD"))
            try await harness.product(chinese, name: "Vacuum pump B", category: "vacuum-pumps")
            try await harness.product(german, name: "Gear pump C", category: "gear-pumps", price: euro)
            try await harness.product(german, name: "Pump motor D", category: "servo-motors")

            let all = try await harness.search("pump")
            #expect(all.total == 4)
            #expect(all.facets.country == [CountryFacet(code: "CN", count: 2), CountryFacet(code: "DE", count: 2)])
            #expect(all.facets.category == [CategoryFacet(id: "industrial-machinery", count: 3), CategoryFacet(id: "industrial-automation", count: 1)])
            let pumps = try await harness.search("pump", category: "pumps")
            #expect(pumps.total == 3, "a category filter takes its subtree")
            #expect(pumps.facets.category == [CategoryFacet(id: "gear-pumps", count: 2), CategoryFacet(id: "vacuum-pumps", count: 1)])
            #expect(try await harness.search("pump", country: "de").results.map(\.name).sorted() == ["Gear pump C", "Pump motor D"])
            let priced = try await harness.send(Search(query: "pump", priceMin: 150, currency: "eur"))
            #expect(priced.results.map(\.name) == ["Gear pump C"])
            #expect(priced.results.first?.price == PriceRange(min: 100, max: 200, currency: "EUR"))

            #expect(try await harness.send(Search(query: "pump", priceMax: 60)).results.map(\.name) == ["Gear pump A"], "in US dollars")
            let bad = try await problem { try await harness.send(Search(query: "pump", category: "nope", country: "XX", currency: "EURO")) }
            #expect(Set(bad?.errors?.map(\.field) ?? []) == ["category", "country", "currency"])
        }
    }

    @Test func pagesFollowEachOtherWithoutRepeatsOrGaps() async throws {
        try await MatchmakingHarness.with { harness in
            let supplier = try await harness.company(verified: true)
            for index in 0..<7 { try await harness.product(supplier, name: "Gear pump model \(index)") }
            for query in ["gear pump", ""] {
                var seen: [UUID] = []
                var cursor: String?
                repeat {
                    let page = try await harness.search(query, limit: 3, cursor: cursor)
                    #expect(page.total == 7)
                    seen += page.results.map(\.id)
                    cursor = page.nextCursor
                } while cursor != nil
                #expect(seen.count == 7 && Set(seen).count == 7, "'\(query)': every product once")
            }
        }
    }

    @Test func anyQueryGivesResultsOrNothingNeverAnError() async throws {
        try await MatchmakingHarness.with { harness in
            let supplier = try await harness.company(verified: true)
            try await harness.product(supplier)
            let hostile = [
                "", "   ", "!&|:*()", "pump:* & !", "'; DROP TABLE products; --", ".*[(", "\\", "\u{0}\u{1}pump", "the and of",
                String(repeating: "pump ", count: 2000), String(repeating: "é", count: 10_000), "数控车床", "a", "<script>",
            ]
            for query in hostile {
                let results = try await harness.search(query)
                #expect(results.total >= 0, "'\(query.prefix(20))'")
            }
            #expect(try await harness.search("pump:* & !").total == 1, "operators are ignored, the words are searched")
            #expect(try await harness.count("SELECT count(*) FROM products") == 1)
        }
    }

    @Test func exhibitorsAreSearchedByNameAndShowcase() async throws {
        try await MatchmakingHarness.with { harness in
            let listed = try await harness.company(name: "Yangtze Robotics", verified: true)
            let unverified = try await harness.company(name: "Pearl Robotics", country: "VN")
            for member in [listed, unverified] {
                _ = try await harness.send(SetExhibitor(description: "Welding robots and cells", categoryIDs: ["welding-robots"], website: nil,
                                                        yearEstablished: nil, employees: nil, mainMarkets: nil), as: member)
            }
            let found = try await harness.search("robotics", kind: "exhibitor")
            #expect(Set(found.results.map(\.id)) == [listed.companyID, unverified.companyID])
            #expect(found.results.first?.kind == .exhibitor)
            let verified = try await harness.send(Search(query: "welding", kind: "exhibitor", verifiedOnly: true))
            #expect(verified.results.map(\.name) == ["Yangtze Robotics"])
        }
    }

    @Test func aRestrictedSuppliersProductsAreNotShown() async throws {
        try await MatchmakingHarness.with { harness in
            let supplier = try await harness.company(verified: true)
            try await harness.product(supplier)
            let task = DataSubjectTask(requestID: UUID(), accountID: supplier.actor.accountID)
            _ = try await harness.send(.restrict, RestrictProcessing(task: task, restricted: true), as: ProcessingRestriction.self)
            #expect(try await harness.search("pump").total == 0)
            _ = try await harness.send(.restrict, RestrictProcessing(task: task, restricted: false), as: ProcessingRestriction.self)
            #expect(try await harness.search("pump").total == 1)
        }
    }
}
