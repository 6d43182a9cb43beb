import Contracts
import Foundation
@testable import Matchmaking
import Testing
import TestSupport

/// Follows, and the matchmaking data-rights part.
@Suite(.integration) struct InterestTests {
    @Test func followersAreCountedForTheOwnerAndNeverNamed() async throws {
        try await MatchmakingHarness.with { harness in
            let supplier = try await harness.company(verified: true)
            let buyer = try await harness.company(.purchaser)
            let product = try await harness.product(supplier)
            let first = try await harness.send(FollowTarget(kind: "product", id: product.id.uuidString), as: buyer)
            #expect(first.created && first.follow.name == "Hydraulic gear pump")
            #expect(try await harness.send(FollowTarget(kind: "product", id: product.id.uuidString), as: buyer).created == false)
            _ = try await harness.send(FollowTarget(kind: "exhibitor", id: supplier.companyID.uuidString), as: buyer)

            #expect(try await harness.send(GetProduct(productID: product.id), as: supplier).followerCount == 1)
            #expect(try await harness.send(GetProduct(productID: product.id), as: buyer).followerCount == nil)
            #expect(try await harness.send(GetExhibitor(companyID: supplier.companyID), as: supplier).followerCount == 1)
            #expect(try await harness.send(ListFollows(), as: buyer).items.map(\.kind) == [.exhibitor, .product])
            #expect(try await harness.send(ListFollows(), as: supplier).items.isEmpty)

            _ = try await harness.send(UnfollowTarget(kind: "product", id: product.id), as: buyer)
            _ = try await harness.send(UnfollowTarget(kind: "product", id: product.id), as: buyer)
            #expect(try await harness.send(GetProduct(productID: product.id), as: supplier).followerCount == 0)

            // Marketing hears of each change once, with the exhibitor a product belongs to.
            let followed = try await harness.kit.events(TargetFollowed.self)
            #expect(followed.map(\.kind) == [.product, .exhibitor])
            #expect(followed.allSatisfy { $0.companyID == supplier.companyID && $0.accountID == buyer.actor.accountID })
            #expect(try await harness.kit.events(TargetUnfollowed.self).map(\.targetID) == [product.id], "unfollowing nothing tells nothing")
        }
    }

    @Test func onlyWhatOthersCanSeeCanBeFollowedAndNotOnesOwn() async throws {
        try await MatchmakingHarness.with { harness in
            let supplier = try await harness.company(verified: true)
            let buyer = try await harness.company(.purchaser)
            let draft = try await harness.product(supplier, status: "draft")
            #expect(try await problem { try await harness.send(FollowTarget(kind: "product", id: draft.id.uuidString), as: buyer) }?.status == 404)
            let own = try await harness.product(supplier)
            #expect(try await problem { try await harness.send(FollowTarget(kind: "product", id: own.id.uuidString), as: supplier) }?.status == 422)
            let bad = try await problem { try await harness.send(FollowTarget(kind: "company", id: "42"), as: buyer) }
            #expect(Set(bad?.errors?.map(\.field) ?? []) == ["kind", "id"])
            #expect(try await harness.count("SELECT count(*) FROM follows") == 0)
        }
    }

    @Test func anExportHoldsTheFollowsAndAttributionsAndErasureRemovesThem() async throws {
        try await MatchmakingHarness.with { harness in
            let supplier = try await harness.company(verified: true)
            let buyer = try await harness.company(.purchaser)
            let product = try await harness.product(supplier)
            _ = try await harness.send(FollowTarget(kind: "product", id: product.id.uuidString), as: buyer)
            let task = DataSubjectTask(requestID: UUID(), accountID: buyer.actor.accountID)

            let export = try await harness.export(task)
            #expect(export.service == .matchmaking && export.categories.map(\.name) == ["follows", "catalogue attribution", "online records", "purchasing requirements and quotes"])
            #expect(export.document.contains(product.id.uuidString) && export.document.contains(buyer.companyID.uuidString))
            let supplierExport = try await harness.export(DataSubjectTask(requestID: UUID(), accountID: supplier.actor.accountID))
            #expect(supplierExport.document.contains("created") && !supplierExport.document.contains(buyer.companyID.uuidString))

            #expect(try await harness.send(.erase, task, as: ErasureOutcome.self).state == .done)
            #expect(try await harness.count("SELECT count(*) FROM follows") == 0)
            #expect(try await harness.send(.erase, task, as: ErasureOutcome.self).state == .done, "a repeat is a no-op")
            let after = try await harness.export(task)
            #expect(!after.document.contains(product.id.uuidString))
            // A registration that arrives after the erasure does not bring the person back.
            try await harness.kit.deliver(AccountRegistered(
                accountID: buyer.actor.accountID, email: "late@example.com", contactName: "Late", company: nil, roles: [.purchaser],
                registeredAt: Date()))
            #expect(try await harness.count("SELECT count(*) FROM members WHERE account_id = \(buyer.actor.accountID)") == 0)
        }
    }
}
