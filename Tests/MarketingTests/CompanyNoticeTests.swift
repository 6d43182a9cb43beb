import Contracts
import Foundation
@testable import Marketing
import Testing
import TestSupport

/// The mails of company teams: an invitation to someone without an account yet, and the reminder
/// that a verification runs out, through the real outbox and SMTP sink.
@Suite(.integration) struct CompanyNoticeTests {
    @Test func anInvitationReachesAnAddressThatHasNoAccountYet() async throws {
        try await MarketingHarness.with { harness in
            let address = uniqueAddress("invitee")
            try await harness.kit.deliver(ColleagueInvited(
                invitationID: UUID(), companyID: UUID(), companyName: "Ningbo Hydraulics Co.", email: address, invitedByName: "Zhang Min",
                token: "invitation-token-123", expiresAt: Date(timeIntervalSinceNow: 7 * 86400), language: .de))
            #expect(try await harness.sender.drain() == 1)
            let mail = try #require(try await MailSink.waitForMails(to: address).first)
            #expect(mail.header("To") == "<\(address)>" || mail.header("To") == address, "no name is known yet")
            #expect(mail.text?.contains("/join-company?token=invitation-token-123") == true)
            #expect(mail.text?.contains("Zhang Min lädt Sie ein") == true, "in the inviting admin's language")
            #expect(mail.header("List-Unsubscribe") == nil, "transactional")
        }
    }

    @Test func theAdminsAreRemindedOnceBeforeTheVerificationRunsOut() async throws {
        try await MarketingHarness.with { harness in
            let first = uniqueAddress("admin-one")
            let second = uniqueAddress("admin-two")
            let admins = [try await harness.person(email: first), try await harness.person(email: second, language: .de), UUID()]
            let event = VerificationExpiring(companyID: UUID(), companyName: "Lagos Tractors Ltd", expiresAt: Date(timeIntervalSinceNow: 20 * 86400),
                                             adminAccountIDs: admins)
            try await harness.kit.deliver(event)
            try await harness.kit.deliver(event) // another replica's copy, as a new message
            #expect(try await harness.sender.drain() == 2, "one mail per known admin, once")
            #expect(try await MailSink.waitForMails(to: first).first?.header("Subject") == "The verification of Lagos Tractors Ltd on Online Expo runs out soon")
            let german = try #require(try await MailSink.waitForMails(to: second).first)
            #expect(german.text?.contains("läuft am") == true)
        }
    }

    @Test func aRemovedMemberIsNoLongerTheCompanysContact() async throws {
        try await MarketingHarness.with { harness in
            let person = try await harness.person(email: uniqueAddress("member"))
            let companyID = try #require(try await harness.kit.database.client.query(
                "SELECT company_id FROM contacts WHERE account_id = \(person)").decode(UUID.self).first { _ in true })
            try await harness.kit.deliver(CompanyMemberRemoved(accountID: person, companyID: companyID, removedBy: UUID(), removedAt: Date()))
            #expect(try await harness.kit.count("SELECT count(*) FROM contacts WHERE account_id = \(person) AND company_id IS NULL AND country = 'NG'") == 1)
            let card = CompanyCard(id: UUID(), name: "Abuja Pumps", businessType: .supplier, industry: "Pumps", country: "NG", verified: true)
            try await harness.kit.deliver(CompanyMemberJoined(accountID: person, company: card, role: .member, joinedAt: Date()))
            #expect(try await harness.kit.count("""
                SELECT count(*) FROM contacts WHERE account_id = \(person) AND company_id = \(card.id) AND business_type = 'supplier' AND company_verified
                """) == 1)
        }
    }
}

extension CompanyNoticeTests {
    @Test func aComplaintFiledAgainstACompanyIsMailedToItsPeopleAndTheDecisionToBothSides() async throws {
        try await MarketingHarness.with { harness in
            let buyerAddress = uniqueAddress("complainant")
            let supplierAddress = uniqueAddress("respondent")
            let buyer = try await harness.person(email: buyerAddress)
            let supplier = try await harness.person(email: supplierAddress, businessType: .supplier)
            let company = { (id: UUID) in
                try #require(try await harness.kit.database.client.query("SELECT company_id FROM contacts WHERE account_id = \(id)")
                    .decode(UUID.self).first { _ in true })
            }
            let (buyerCompany, supplierCompany) = (try await company(buyer), try await company(supplier))
            let complaintID = UUID()
            let changed = { (step: String, party: ComplaintParty, status: ComplaintStatus) in
                ComplaintChanged(complaintID: complaintID, complainantCompanyID: buyerCompany, respondentCompanyID: supplierCompany, step: step,
                                 party: party, status: status, evidence: HeldEvidence(), at: Date())
            }
            try await harness.kit.deliver(changed("filed", .complainant, .negotiating))
            try await harness.kit.deliver(changed("replied", .respondent, .negotiating))
            #expect(try await harness.sender.drain() == 1, "the filing to the respondent; a reply is told live only")
            let filed = try #require(try await MailSink.waitForMails(to: supplierAddress).first)
            #expect(filed.header("Subject") == "A complaint was filed against your company on Online Expo")
            #expect(filed.text?.contains("/complaints/\(complaintID.uuidString.lowercased())") == true)

            try await harness.kit.deliver(changed("decided", .staff, .decided))
            #expect(try await harness.sender.drain() == 2)
            #expect(try await MailSink.waitForMails(to: buyerAddress).first?.header("Subject") == "A complaint on Online Expo was decided")
        }
    }
}
