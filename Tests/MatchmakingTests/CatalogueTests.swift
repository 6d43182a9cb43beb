import Contracts
import Foundation
@testable import Matchmaking
import MessageBus
import Testing
import TestSupport

/// Products and showcases: who may write, publish and see what.
@Suite(.integration) struct CatalogueTests {
    @Test func theShippedCategoryTreeIsAWholeTreeOfStableSlugs() async throws {
        try await MatchmakingHarness.with { harness in
            let tree = try await harness.send(ListCategories())
            #expect(tree.count >= 300, "a few hundred nodes")
            let ids = Set(tree.map(\.id))
            #expect(ids.count == tree.count, "ids are unique")
            #expect(tree.allSatisfy { $0.parentID.map(ids.contains) ?? true }, "every parent exists")
            #expect(tree.allSatisfy { $0.id.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "-" } })
            for id in ["cnc-lathes", "gear-pumps", "microcontrollers", "industrial-robots"] { #expect(ids.contains(id)) }
        }
    }

    @Test func onlyAVerifiedSupplierPublishesAndDraftsAreTheOwnersAlone() async throws {
        try await MatchmakingHarness.with { harness in
            let supplier = try await harness.company()
            let stranger = try await harness.company(.purchaser, name: "Lagos Buyers Ltd", country: "NG")
            let refused = try await problem { try await harness.product(supplier) }
            #expect(refused?.status == 403 && refused?.code == .supplierNotVerified)
            #expect(try await harness.count("SELECT count(*) FROM products") == 0, "nothing stored")

            let draft = try await harness.product(supplier, status: "draft")
            #expect(draft.status == .draft && draft.companyID == supplier.companyID && draft.companyName == "Ningbo Hydraulics Co.")
            for viewer in [stranger, nil] {
                #expect(try await problem { try await harness.send(GetProduct(productID: draft.id), as: viewer) }?.status == 404)
            }
            #expect(try await problem {
                try await harness.send(UpdateProduct(productID: draft.id, fields: ProductFields(status: "published")), as: supplier)
            }?.code == .supplierNotVerified)

            try await harness.decide(supplier, .approve)
            let published = try await harness.send(UpdateProduct(productID: draft.id, fields: ProductFields(status: "published")), as: supplier)
            #expect(published.status == .published && published.hidden == false)
            let seen = try await harness.send(GetProduct(productID: draft.id))
            #expect(seen.name == "Hydraulic gear pump" && seen.verified && seen.followerCount == nil && seen.hidden == nil)
        }
    }

    @Test func purchasersCannotSellAndNobodyButTheOwnerWrites() async throws {
        try await MatchmakingHarness.with { harness in
            let supplier = try await harness.company(verified: true)
            let other = try await harness.company(name: "Other Pumps GmbH", country: "DE", verified: true)
            let purchaser = try await harness.company(.purchaser)
            #expect(try await problem { try await harness.product(purchaser, status: "draft") }?.status == 403)
            let product = try await harness.product(supplier)
            for intruder in [other, purchaser] {
                let edit = UpdateProduct(productID: product.id, fields: ProductFields(name: "Stolen"))
                #expect(try await problem { try await harness.send(edit, as: intruder) }?.status == 404)
                let delete = DeleteProduct(productID: product.id)
                #expect(try await problem { try await harness.send(delete, as: intruder) }?.status == 404)
            }
            #expect(try await harness.send(GetProduct(productID: product.id)).name == "Hydraulic gear pump", "unchanged")
            #expect(try await harness.send(ListMyProducts(), as: other).items.isEmpty)
            _ = try await harness.send(DeleteProduct(productID: product.id), as: supplier)
            #expect(try await problem { try await harness.send(GetProduct(productID: product.id)) }?.status == 404)
        }
    }

    @Test func everyBadFieldIsNamedAndNothingIsStored() async throws {
        try await MatchmakingHarness.with { harness in
            let supplier = try await harness.company(verified: true)
            let fields = ProductFields(
                name: "  ", categoryID: "time-machines", description: String(repeating: "x", count: 5001),
                specifications: [.init(name: "Flow", value: nil)], price: .init(min: 90, max: 10, currency: "ABC"),
                minimumOrder: .init(quantity: 0, unit: "pcs"), pictures: ["http://example.com/a.jpg", "https://user:pw@example.com/b.jpg"],
                keywords: Array(repeating: "pump", count: 21), status: "archived")
            let refused = try await problem { try await harness.send(CreateProduct(fields: fields), as: supplier) }
            #expect(refused?.status == 422 && refused?.code == .validationFailed)
            let named = Set(refused?.errors?.map(\.field) ?? [])
            #expect(named == [
                "name", "categoryID", "description", "specifications[0].value", "price.currency", "price.max", "minimumOrder.quantity",
                "pictures[0]", "pictures[1]", "keywords", "status",
            ])
            #expect(try await harness.count("SELECT count(*) FROM products") == 0)
        }
    }

    @Test func aWithdrawnVerificationHidesTheCatalogueAndACancelledCompanyLeavesIt() async throws {
        try await MatchmakingHarness.with { harness in
            let supplier = try await harness.company(verified: true)
            let product = try await harness.product(supplier)
            try await harness.decide(supplier, .reject)
            #expect(try await problem { try await harness.send(GetProduct(productID: product.id)) }?.status == 404)
            #expect(try await harness.send(GetProduct(productID: product.id), as: supplier).hidden == true, "its owner sees why")
            #expect(try await harness.search("pump").total == 0)
            // A decision older than the last one, handled late, changes nothing.
            try await harness.decide(supplier, .approve, at: Date(timeIntervalSinceNow: -3600))
            #expect(try await harness.search("pump").total == 0)
            try await harness.decide(supplier, .approve)
            #expect(try await harness.search("pump").total == 1)

            try await harness.kit.deliver(AccountErased(accountID: supplier.actor.accountID, companyID: supplier.companyID, erasedAt: Date(), companyClosed: true))
            #expect(try await harness.search("pump").total == 0)
            #expect(try await problem { try await harness.send(GetExhibitor(companyID: supplier.companyID)) }?.status == 404)
            #expect(try await harness.count("SELECT count(*) FROM products WHERE status = 'draft' AND created_by IS NULL") == 1,
                    "unpublished, attributed to nobody")
        }
    }

    @Test func aProfileChangeBeforeTheRegistrationWaitsForIt() async throws {
        try await MatchmakingHarness.with { harness in
            let card = CompanyCard(id: UUID(), name: "Early Co.", businessType: .supplier, industry: "Pumps", country: "IT", verified: false)
            let early = await #expect(throws: (any Error).self) {
                try await harness.kit.deliver(AccountProfileChanged(
                    accountID: UUID(), changedFields: ["companyName"], email: "e@example.com", contactName: "E", company: card, changedAt: Date()))
            }
            #expect(early is any ArrivedTooEarly)
        }
    }

    @Test func aShowcaseCarriesTheCardAndCountsButNoPersonalData() async throws {
        try await MatchmakingHarness.with { harness in
            let supplier = try await harness.company(verified: true)
            let purchaser = try await harness.company(.purchaser)
            let empty = try await harness.send(GetExhibitor(companyID: supplier.companyID))
            #expect(empty.name == "Ningbo Hydraulics Co." && empty.description == nil && empty.productCount == 0)
            let written = try await harness.send(SetExhibitor(
                description: "Gear pumps since 1998", categoryIDs: ["gear-pumps", "hydraulics"], website: "https://pumps.example.cn",
                yearEstablished: 1998, employees: "51-200", mainMarkets: ["de", "NG", "DE"]), as: supplier)
            #expect(written.mainMarkets == ["DE", "NG"] && written.followerCount == 0)
            try await harness.product(supplier)
            let shown = try await harness.send(GetExhibitor(companyID: supplier.companyID), as: purchaser)
            #expect(shown.productCount == 1 && shown.followerCount == nil && shown.website == "https://pumps.example.cn")
            #expect(!String(decoding: try MessageCodec.encode(shown), as: UTF8.self).contains("Zhang Min"))
            #expect(try await problem { try await harness.send(GetExhibitor(companyID: purchaser.companyID)) }?.status == 404,
                    "purchasers have no showcase")
            let bad = try await problem {
                try await harness.send(SetExhibitor(description: nil, categoryIDs: ["nope"], website: "javascript:alert(1)",
                                                    yearEstablished: 1200, employees: "lots", mainMarkets: ["XX"]), as: supplier)
            }
            #expect(Set(bad?.errors?.map(\.field) ?? []) == ["categoryIDs[0]", "website", "yearEstablished", "employees", "mainMarkets[0]"])
        }
    }
}
