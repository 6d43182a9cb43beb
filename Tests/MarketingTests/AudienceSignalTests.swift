import Contracts
import Foundation
@testable import Marketing
import MessageBus
import Persistence
import Testing
import TestSupport

/// Campaign audiences chosen by behaviour: the followers of an exhibitor and the recently active,
/// as marketing learns them from matchmaking's events, in whatever order those arrive.
@Suite(.integration) struct AudienceSignalTests {
    @Test func followersOfAnExhibitorActiveLatelyAreMailedAndNoOneElse() async throws {
        try await MarketingHarness.with { harness in
            let exhibitor = UUID()
            let now = Date()
            func follow(_ account: UUID, _ kind: FollowKind = .product, of company: UUID = exhibitor, target: UUID = UUID(), at: Date = now)
                async throws -> UUID {
                try await harness.kit.deliver(TargetFollowed(accountID: account, kind: kind, targetID: target, companyID: company, followedAt: at))
                return target
            }
            func active(_ account: UUID, daysAgo: Double = 1) async throws {
                try await harness.kit.deliver(ActivityRecorded(accountID: account, activeAt: now.addingTimeInterval(-daysAgo * 86400)))
            }
            let followerAddress = uniqueAddress("follower")
            let follower = try await harness.person(email: followerAddress)
            _ = try await follow(follower, .exhibitor, target: exhibitor)
            try await active(follower, daysAgo: 40)
            try await active(follower, daysAgo: 2)  // the later activity counts, whatever came first

            var excluded: [String] = []
            func person(_ label: String) async throws -> UUID {
                excluded.append(uniqueAddress(label))
                return try await harness.person(email: excluded[excluded.count - 1])
            }
            // Unfollowed: the unfollow arrives before the older follow, which must not bring it back.
            let gone = try await person("unfollowed")
            let target = UUID()
            try await harness.kit.deliver(TargetUnfollowed(accountID: gone, kind: .product, targetID: target, unfollowedAt: now))
            _ = try await follow(gone, target: target, at: now.addingTimeInterval(-60))
            try await active(gone)
            let elsewhere = try await person("follows-another")
            _ = try await follow(elsewhere, of: UUID())
            try await active(elsewhere)
            let idle = try await person("idle-follower")
            _ = try await follow(idle)
            try await active(idle, daysAgo: 31)
            let objector = try await person("objects-to-profiling")
            _ = try await follow(objector)
            try await active(objector)
            _ = try await harness.kit.send(.object, RecordObjection(task: DataSubjectTask(requestID: UUID(), accountID: objector), scope: .profiling),
                                           as: Objections.self)

            let campaign = CampaignTests.newsletter(audience: CampaignAudience(followersOf: exhibitor, activeWithinDays: 30))
            #expect(try await harness.trigger(campaign) == .ack)
            try await harness.runCampaigns()
            #expect(try await MailSink.waitForMails(to: followerAddress).count == 1)
            for address in excluded { #expect(try MailSink.mails(to: address).isEmpty, "\(address) is not mailed") }
            #expect(try await harness.kit.events(CampaignFinished.self).last?.counts == CampaignCounts(audience: 1, sent: 1))

            // Activity alone: the window counts days back from now.
            let everyone = CampaignTests.newsletter(audience: CampaignAudience(activeWithinDays: 3))
            #expect(try await harness.trigger(everyone) == .ack)
            try await harness.runCampaigns()
            #expect(try await harness.kit.events(CampaignFinished.self).last?.counts == CampaignCounts(audience: 3, sent: 3),
                    "the follower, the unfollowed and the one following another exhibitor were active in the last 3 days")

            let task = DataSubjectTask(requestID: UUID(), accountID: follower)
            let export = try await harness.kit.export(task)
            #expect(export.document.contains(exhibitor.uuidString) && export.document.contains("lastActiveAt"))
            #expect(export.document.contains("\"campaign\":\"December newsletter\""), "which campaign each mail was")
            _ = try await harness.kit.send(.erase, task, as: ErasureOutcome.self)
            #expect(try await harness.kit.count("SELECT count(*) FROM follows WHERE account_id = \(follower)") == 0)
            #expect(try await harness.kit.count("SELECT count(*) FROM activity WHERE account_id = \(follower)") == 0)
            _ = try await follow(follower)
            #expect(try await harness.kit.count("SELECT count(*) FROM follows WHERE account_id = \(follower)") == 0, "erased stays erased")
        }
    }

    @Test func anActivityWindowOutsideOneToAYearIsRefused() throws {
        for days in [0, 366] {
            let campaign = CampaignTests.newsletter(audience: CampaignAudience(activeWithinDays: days))
            let problem = #expect(throws: Problem.self) { _ = try CampaignPlan(campaign) }
            let fields = problem?.errors?.map(\.field)
            #expect(fields == ["audience.activeWithinDays"])
        }
    }
}
