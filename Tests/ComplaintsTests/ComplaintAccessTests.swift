@testable import Complaints
import Contracts
import Foundation
import Testing
import TestSupport

/// Who may file about what, who sees a complaint and what of it, bad input, and the data-rights
/// part with its legal hold.
@Suite(.integration) struct ComplaintAccessTests {
    @Test func aComplaintIsOnlyAboutWhatBothCompaniesTookPartIn() async throws {
        try await ComplaintsHarness.with { harness in
            let buyer = ComplaintsHarness.member()
            let supplier = ComplaintsHarness.member(roles: ["supplier"])
            let stranger = ComplaintsHarness.member(roles: ["supplier"])
            let (buyerID, supplierID, strangerID) = (try #require(buyer.companyID), try #require(supplier.companyID), try #require(stranger.companyID))
            let quote = try await harness.quote(buyer: buyerID, supplier: supplierID)
            let product = UUID()
            let conversation = UUID()
            try await harness.kit.deliver(ConversationOpened(
                conversationID: conversation, startedBy: buyerID, recipient: supplierID,
                subject: ConversationSubject(kind: .product, id: product, title: "Gear pump"), openedAt: Date()))

            for subject in [ComplaintSubject(kind: .quote, id: quote), .init(kind: .product, id: product), .init(kind: .conversation, id: conversation)] {
                #expect(try await harness.file(buyer, against: supplierID, about: subject).status == .negotiating, "\(subject.kind)")
                #expect(try await problem { try await harness.file(stranger, against: buyerID, about: subject) }?.code == .notAParty, "\(subject.kind)")
                #expect(try await problem { try await harness.file(buyer, against: strangerID, about: subject) }?.code == .notAParty)
            }
            #expect(try await harness.file(supplier, against: buyerID, about: .init(kind: .quote, id: quote)).viewerParty == .complainant,
                    "either side files")
            #expect(try await harness.kit.count("SELECT count(*) FROM complaints") == 4, "refusals stored nothing")

            let bad = try await problem {
                try await harness.kit.send(FileComplaint(
                    againstCompanyID: buyerID, subject: ComplaintSubjectFields(kind: "invoice", id: nil), category: "rudeness", description: " "),
                    actor: buyer)
            }
            #expect(Set(bad?.errors?.map(\.field) ?? []) == ["againstCompanyID", "subject.kind", "subject.id", "category", "description"])
            let evidence = try await problem {
                try await harness.kit.send(AddEvidence(complaintID: UUID(), description: "Photo", url: "http://example.com/a.jpg"), actor: buyer)
            }
            #expect(evidence?.errors?.map(\.field) == ["url"], "evidence links are https only")
            #expect(try await problem { try await harness.kit.send(FileComplaint(againstCompanyID: supplierID, subject: nil, category: nil,
                                                                                  description: nil), actor: ComplaintsHarness.staff()) }?.status == 403)
        }
    }

    @Test func nonPartiesAndStaffOtherThanSupportGet404AndMinorsDataStaysWithStaff() async throws {
        try await ComplaintsHarness.with { harness in
            let buyer = ComplaintsHarness.member()
            let supplier = ComplaintsHarness.member(roles: ["supplier"])
            let quote = try await harness.quote(buyer: try #require(buyer.companyID), supplier: try #require(supplier.companyID))
            let filed = try await harness.kit.send(FileComplaint(
                againstCompanyID: supplier.companyID, subject: ComplaintSubjectFields(kind: "quote", id: quote), category: "quality",
                description: "Our customer, a 15-year-old apprentice, was hurt.", concernsMinors: true), actor: buyer)
            _ = try await harness.kit.send(AddEvidence(complaintID: filed.id, description: "The apprentice's medical note", url: "https://files.example/n.pdf",
                                                       concernsMinors: true), actor: buyer)
            let colleague = ComplaintsHarness.member(of: try #require(supplier.companyID), roles: ["supplier"])
            let seen = try await harness.kit.send(GetComplaint(complaintID: filed.id), actor: colleague)
            #expect(seen.viewerParty == .respondent && seen.description == nil && seen.concernsMinors, "any member of the respondent, without the minor's data")
            #expect(seen.evidence.first?.description == nil && seen.evidence.first?.url == nil && seen.evidence.count == 1)
            let support = try await harness.kit.send(GetComplaint(complaintID: filed.id), actor: ComplaintsHarness.staff())
            #expect(support.description?.contains("apprentice") == true && support.evidence.first?.url == "https://files.example/n.pdf")

            let outsiders = [ComplaintsHarness.member(), ComplaintsHarness.staff("marketing")]
            for outsider in outsiders {
                #expect(try await problem { try await harness.kit.send(GetComplaint(complaintID: filed.id), actor: outsider) }?.status == 404)
                #expect(try await problem { try await harness.timeline(filed.id, as: outsider) }?.status == 404)
                #expect(try await problem { try await harness.act(outsider, filed.id, "reply", text: "Hi") }?.status == 404)
                #expect(try await problem {
                    try await harness.kit.send(AddEvidence(complaintID: filed.id, description: "Mine"), actor: outsider)
                }?.status == 404)
            }
            #expect(try await harness.kit.send(ListComplaints(), actor: outsiders[0]).items.isEmpty, "another company lists none of it")
            #expect(try await problem { try await harness.kit.send(AssignComplaint(complaintID: filed.id), actor: buyer) }?.status == 403)
            #expect(try await problem { try await harness.kit.send(ListComplaints(), actor: ComplaintsHarness.staff()) }?.status == 403)
        }
    }

    @Test func erasureWaitsForAnOpenComplaintThenAnonymisesThePersonInIt() async throws {
        try await ComplaintsHarness.with { harness in
            let buyer = ComplaintsHarness.member()
            let supplier = ComplaintsHarness.member(roles: ["supplier"])
            let quote = try await harness.quote(buyer: try #require(buyer.companyID), supplier: try #require(supplier.companyID))
            let filed = try await harness.file(buyer, against: try #require(supplier.companyID), about: .init(kind: .quote, id: quote))
            _ = try await harness.kit.send(AddEvidence(complaintID: filed.id, description: "Photo of the leak"), actor: buyer)
            let task = DataSubjectTask(requestID: UUID(), accountID: buyer.accountID)

            let export = try await harness.kit.export(task)
            #expect(export.document.contains(filed.id.uuidString) && export.document.contains("Photo of the leak"))
            let held = try await harness.kit.send(.erase, task, as: ErasureOutcome.self)
            #expect(held.state == .postponed && held.reason == ComplaintsPersonalData.holdReason)
            #expect(try await harness.kit.send(GetComplaint(complaintID: filed.id), actor: supplier).filedBy == buyer.accountID, "nothing changed")

            _ = try await harness.act(buyer, filed.id, "withdraw")
            #expect(try await harness.kit.send(.erase, task, as: ErasureOutcome.self).state == .done, "released once closed")
            let kept = try await harness.kit.send(GetComplaint(complaintID: filed.id), actor: supplier)
            #expect(kept.filedBy == nil && kept.evidence.first?.addedBy == nil && kept.description == "The pumps leak at 180 bar.",
                    "the other party keeps the record, without who filed it")
            #expect(try await harness.timeline(filed.id, as: supplier).allSatisfy { $0.actor == nil })
            await #expect(throws: (any Error).self, "the timeline is append-only") {
                try await harness.kit.database.client.query("UPDATE complaint_events SET text = 'rewritten'")
            }
        }
    }
}
