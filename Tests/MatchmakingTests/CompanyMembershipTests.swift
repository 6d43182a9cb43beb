import Contracts
import Foundation
@testable import Matchmaking
import Testing
import TestSupport

/// Matchmaking learns a company's members and the end of its verification from accounts' events.
@Suite(.integration) struct CompanyMembershipTests {
    @Test func membersComeAndGoWithTheirEventsAndAnExpiredSupplierPublishesNothing() async throws {
        try await MatchmakingHarness.with { harness in
            let supplier = try await harness.company(verified: true)
            let card = CompanyCard(id: supplier.companyID, name: "Ningbo Hydraulics Co.", businessType: .supplier, industry: "Machinery",
                                   country: "CN", verified: true)
            let colleague = UUID()
            try await harness.kit.deliver(CompanyMemberJoined(accountID: colleague, company: card, role: .member, joinedAt: Date()))
            #expect(try await harness.count("SELECT count(*) FROM members WHERE company_id = \(supplier.companyID)") == 2)
            try await harness.kit.deliver(CompanyMemberRemoved(accountID: colleague, companyID: supplier.companyID, removedBy: supplier.actor.accountID,
                                                               removedAt: Date()))
            #expect(try await harness.count("SELECT count(*) FROM members WHERE company_id = \(supplier.companyID)") == 1)

            // A member's erasure leaves the company and its catalogue alone.
            try await harness.product(supplier)
            try await harness.kit.deliver(AccountErased(accountID: colleague, companyID: supplier.companyID, erasedAt: Date(), companyClosed: false))
            #expect(try await harness.search("pump").total == 1)

            // A change of name is reviewed again: the catalogue stays listed, the showcase says so, until staff decide.
            var renamed = card
            renamed.name = "Ningbo Hydraulics Group"
            renamed.underReview = true
            try await harness.kit.deliver(AccountProfileChanged(
                accountID: supplier.actor.accountID, changedFields: ["companyName"], email: "z@example.com", contactName: "Zhang Min",
                company: renamed, changedAt: Date()))
            let reviewed = try await harness.send(GetExhibitor(companyID: supplier.companyID))
            #expect(reviewed.verified && reviewed.verificationUnderReview && reviewed.name == "Ningbo Hydraulics Group")
            #expect(try await harness.search("pump").total == 1)
            try await harness.decide(supplier, .approve)
            #expect(try await !harness.send(GetExhibitor(companyID: supplier.companyID)).verificationUnderReview, "decided")

            try await harness.kit.deliver(VerificationExpired(companyID: supplier.companyID, expiredAt: Date()))
            #expect(try await harness.search("pump").total == 0, "an expired supplier's products are no longer listed")
            #expect(try await problem { try await harness.product(supplier, name: "Vane pump") }?.code == .supplierNotVerified)
            try await harness.decide(supplier, .approve, at: Date(timeIntervalSinceNow: -60))
            #expect(try await harness.search("pump").total == 0, "an older approval handled late renews nothing")
            try await harness.decide(supplier, .approve)
            #expect(try await harness.search("pump").total == 1, "renewed")
        }
    }
}

extension CompanyMembershipTests {
    @Test func anRFQAColleaguePostedStaysWithTheCompanyWhenTheyAreErased() async throws {
        try await MatchmakingHarness.with { harness in
            let buyer = try await harness.company(.purchaser, country: "NG")
            let card = CompanyCard(id: buyer.companyID, name: "Ningbo Hydraulics Co.", businessType: .purchaser, industry: "Machinery",
                                   country: "NG", verified: false)
            let colleague = MatchmakingHarness.Member(actor: Actor(accountID: UUID(), companyID: buyer.companyID, roles: ["purchaser"]))
            try await harness.kit.deliver(CompanyMemberJoined(accountID: colleague.actor.accountID, company: card, role: .member, joinedAt: Date()))
            let posted = try await harness.send(PostRFQ(fields: RFQFields(
                title: "300 gear pumps", categoryID: "gear-pumps", quantity: .init(amount: 300, unit: "pieces"), destinationCountry: "NG",
                deadline: (harness.clock.value + 7 * 86400).formatted(.iso8601))), as: colleague)

            let task = DataSubjectTask(requestID: UUID(), accountID: colleague.actor.accountID)
            #expect(try await harness.send(.erase, task, as: ErasureOutcome.self).state == .done)
            #expect(try await harness.send(GetRFQ(rfqID: posted.id), as: buyer).status == .open, "the company keeps its requirement")
            #expect(try await harness.count("SELECT count(*) FROM rfqs WHERE posted_by IS NULL") == 1, "no longer attributed to the erased person")
        }
    }
}
