import Contracts
import Foundation
@testable import Marketing
import Testing
import TestSupport

/// Mail in the person's language: the platform's own mails from the template of the language
/// accounts told, and campaigns written in one language sent only to its readers.
@Suite(.integration) struct LanguageTests {
    @Test func aReminderIsWrittenInTheReadersLanguageAndFollowsAChange() async throws {
        try await MarketingHarness.with { harness in
            let address = uniqueAddress("leserin")
            let reader = try await harness.person(email: address, country: "DE", language: .de)
            try await harness.remind(reader, unread: 3)
            #expect(try await harness.sender.drain() == 1)
            let german = try #require(try await MailSink.waitForMails(to: address).first)
            #expect(german.header("Subject") == "3 ungelesene Nachricht(en) von Ningbo Hydraulics Co.")

            try await harness.kit.deliver(AccountProfileChanged(
                accountID: reader, changedFields: ["language"], email: address, contactName: "Ada Obi", company: nil, changedAt: Date(),
                language: .en))
            try await harness.remind(reader, unread: 4)
            #expect(try await harness.sender.drain() == 1)
            let english = try await MailSink.waitForMails(to: address, count: 2).last
            #expect(english?.header("Subject")?.hasPrefix("4 unread") == true, "\(english?.header("Subject") ?? "")")
        }
    }

    @Test func aCampaignInOneLanguageReachesOnlyItsReaders() async throws {
        try await MarketingHarness.with { harness in
            let german = uniqueAddress("deutsch")
            _ = try await harness.person(email: german, language: .de)
            let english = uniqueAddress("english")
            _ = try await harness.person(email: english)
            var campaign = CampaignTests.newsletter()
            campaign.language = "DE"
            #expect(try await harness.trigger(campaign) == .ack)
            try await harness.runCampaigns()
            #expect(try await MailSink.waitForMails(to: german).count == 1)
            #expect(try MailSink.mails(to: english).isEmpty)
            #expect(try await harness.kit.events(CampaignFinished.self).last?.counts == CampaignCounts(audience: 1, sent: 1))

            var unknown = CampaignTests.newsletter()
            unknown.language = "fr"
            let problem = #expect(throws: Problem.self) { _ = try CampaignPlan(unknown) }
            #expect(problem?.errors?.first?.message == "must be one of: en, de")
        }
    }
}
