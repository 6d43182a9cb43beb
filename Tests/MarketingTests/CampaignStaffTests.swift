import Contracts
import Foundation
@testable import Marketing
import Persistence
import Testing
import TestSupport

/// The back office's campaign requests on the real schema: the same campaigns as the queue's,
/// previewed, listed, paused, resumed and cancelled by `marketing` staff.
@Suite(.integration) struct CampaignStaffTests {
    static let staff = Actor(accountID: UUID(), companyID: nil, roles: ["marketing"], sessionID: UUID())

    func send<Request: RequestContract>(_ request: Request, _ harness: MarketingHarness) async throws -> Request.Reply {
        try await harness.kit.send(request, actor: Self.staff)
    }

    @Test func staffPreviewPauseResumeAndCancel() async throws {
        try await MarketingHarness.with { harness in
            for index in 0..<4 { _ = try await harness.person(email: uniqueAddress("staff-\(index)")) }
            _ = try await harness.person(email: uniqueAddress("staff-german"), country: "DE")  // never consented
            var trigger = CampaignTests.newsletter()
            trigger.maxPerSecond = 2
            let created = try await send(CreateCampaign(campaign: trigger), harness)
            #expect(created.status == .scheduled && created.source == "staff" && created.counts == CampaignCounts())
            let repeated = await #expect(throws: Problem.self) { try await send(CreateCampaign(campaign: trigger), harness) }
            #expect(repeated?.code == .campaignExists)
            #expect(try await send(PreviewCampaignAudience(campaignID: trigger.campaignID), harness).size == 4)
            #expect(try await harness.kit.count("SELECT count(*) FROM mail_outbox") == 0, "a preview sends nothing")

            var broken = CampaignTests.newsletter()
            broken.topic = "event-reminders"
            broken.maxPerSecond = 0
            let invalid = await #expect(throws: Problem.self) { try await send(CreateCampaign(campaign: broken), harness) }
            let fields = invalid?.errors?.map(\.field)
            #expect(invalid?.code == .validationFailed && fields == ["topic", "maxPerSecond"])
            let outsider = Actor(accountID: UUID(), companyID: UUID(), roles: ["purchaser"], sessionID: UUID())
            let refused = await #expect(throws: Problem.self) { try await harness.kit.send(ListCampaigns(), actor: outsider) }
            #expect(refused?.code == .forbidden)

            // Two candidates a batch; the German among them is looked at, not mailed.
            #expect(try await harness.dispatcher.queueNextBatch())
            let firstBatch = try await harness.kit.count("SELECT count(*) FROM mail_outbox WHERE state = 'queued'")
            #expect((1...2).contains(firstBatch))
            let paused = try await send(ChangeCampaign(campaignID: trigger.campaignID, action: .pause), harness)
            #expect(paused.status == .paused)
            _ = try await harness.kit.count("UPDATE campaigns SET next_batch_at = now() RETURNING 0")
            #expect(try await !harness.dispatcher.queueNextBatch(), "a paused campaign takes no new recipients")
            let resumed = try await send(ChangeCampaign(campaignID: trigger.campaignID, action: .resume), harness)
            #expect(resumed.status == .sending)
            let again = await #expect(throws: Problem.self) { try await send(ChangeCampaign(campaignID: trigger.campaignID, action: .resume), harness) }
            #expect(again?.code == .transitionNotAllowed)
            #expect(try await harness.dispatcher.queueNextBatch())
            let queued = try await harness.kit.count("SELECT count(*) FROM mail_outbox WHERE state = 'queued'")
            #expect(queued > firstBatch && queued <= 4)

            let cancelled = try await send(ChangeCampaign(campaignID: trigger.campaignID, action: .cancel), harness)
            #expect(cancelled.status == .cancelled && cancelled.finishedAt != nil)
            try await harness.runCampaigns()
            #expect(try await harness.sender.drain() == 0, "the cancelled campaign's mails never leave")
            #expect(try await harness.kit.count("SELECT count(*) FROM mail_outbox WHERE state = 'cancelled' AND message IS NULL") == queued)
            #expect(try await harness.kit.events(CampaignFinished.self).map(\.status) == [.cancelled])

            let page = try await send(ListCampaigns(page: PageRequest(limit: 1)), harness)
            #expect(page.items.map(\.id) == [trigger.campaignID] && page.nextCursor == nil)
            let shown = try await send(GetCampaign(campaignID: trigger.campaignID), harness).counts
            #expect(page.items.first?.counts == shown && shown.audience == queued, "the list counts as the campaign does")
            let missing = await #expect(throws: Problem.self) { try await send(GetCampaign(campaignID: UUID()), harness) }
            #expect(missing?.code == .notFound)
        }
    }
}
