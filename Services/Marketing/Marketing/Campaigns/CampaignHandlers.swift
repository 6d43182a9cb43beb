import Contracts
import Foundation
import MessageBus
import Persistence
import ServiceRuntime

extension Problem.Code {
    static let campaignExists = Problem.Code("campaign-exists")
    static let transitionNotAllowed = Problem.Code("transition-not-allowed")
}

/// The staff's campaign requests (`marketing` role): create one as the queue would, list and
/// read them with their counts, preview an audience, pause, resume and cancel.
struct CampaignHandlers: Sendable {
    let database: Database
    let rules: ConsentRules

    func register(into handlers: inout RPCHandlers) {
        handlers.register(CreateCampaign.self, create)
        handlers.register(ListCampaigns.self, list)
        handlers.register(GetCampaign.self, get)
        handlers.register(PreviewCampaignAudience.self, preview)
        handlers.register(ChangeCampaign.self, change)
    }

    static let notFound = Problem.notFound("no campaign with this id")

    @Sendable func create(_ request: CreateCampaign, _ context: RequestContext) async throws -> Campaign {
        let actor = try context.caller()
        let plan = try CampaignPlan(request.campaign)
        return try await database.transaction(context) { transaction in
            guard try await CampaignRecords.insert(plan, source: "staff", createdBy: actor.accountID, on: transaction) else {
                throw Problem(status: 409, code: .campaignExists, title: "The campaign exists", detail: "a campaign with this campaignId was created before")
            }
            guard let campaign = try await CampaignRecords.campaign(request.campaign.campaignID, on: transaction) else { throw Self.notFound }
            return campaign
        }
    }

    @Sendable func list(_ request: ListCampaigns, _ context: RequestContext) async throws -> Page<Campaign> {
        let (limit, after) = try Cursor.read(request.page)
        return try await database.transaction(context) { transaction in
            Cursor.page(try await CampaignRecords.page(after: after, limit: limit + 1, on: transaction).map { ($0.campaign, $0.cursor) }, limit: limit)
        }
    }

    @Sendable func get(_ request: GetCampaign, _ context: RequestContext) async throws -> Campaign {
        try await database.transaction(context) { transaction in
            guard let campaign = try await CampaignRecords.campaign(request.campaignID, on: transaction) else { throw Self.notFound }
            return campaign
        }
    }

    /// Counts the audience as the dispatcher would pick it now; nothing is queued.
    @Sendable func preview(_ request: PreviewCampaignAudience, _ context: RequestContext) async throws -> CampaignAudienceSize {
        try await database.transaction(context) { transaction in
            guard let campaign = try await CampaignRecords.campaign(request.campaignID, on: transaction),
                  let topic = SubscriptionTopic(rawValue: campaign.topic)
            else { throw Self.notFound }
            var size = 0
            for try await row in try await transaction.query(
                CampaignAudienceSelection.candidates(
                    campaign.audience, topic: topic, language: campaign.language.flatMap(Language.init(rawValue:)), after: nil, limit: nil)
            ).decode(CampaignAudienceSelection.Row.self) where CampaignAudienceSelection.member(row).consents(to: topic, rules: rules) {
                size += 1
            }
            return CampaignAudienceSize(campaignID: campaign.id, size: size)
        }
    }

    /// Pause stops new batches; resume picks up where the audience walk stopped; cancel also
    /// withdraws the mails not yet sent and reports the campaign finished as `cancelled`.
    @Sendable func change(_ request: ChangeCampaign, _ context: RequestContext) async throws -> Campaign {
        try await database.transaction(context) { transaction in
            var current: String?
            for try await status in try await transaction.query("SELECT status FROM campaigns WHERE id = \(request.campaignID) FOR UPDATE")
                .decode(String.self) {
                current = status
            }
            guard let current else { throw Self.notFound }
            let allowed: Set<String> = switch request.action {
            case .pause: ["scheduled", "sending"]
            case .resume: ["paused"]
            case .cancel: ["scheduled", "sending", "paused"]
            }
            guard allowed.contains(current) else {
                throw Problem(status: 409, code: .transitionNotAllowed, title: "Not allowed now",
                              detail: "a \(current) campaign cannot \(request.action.rawValue)")
            }
            switch request.action {
            case .pause:
                try await transaction.query("UPDATE campaigns SET status = 'paused' WHERE id = \(request.campaignID)")
            case .resume:
                try await transaction.query("""
                    UPDATE campaigns SET status = CASE WHEN audience_cursor IS NULL AND queued = 0 THEN 'scheduled' ELSE 'sending' END,
                        next_batch_at = greatest(now(), send_at)
                    WHERE id = \(request.campaignID)
                    """)
            case .cancel:
                try await transaction.query("UPDATE campaigns SET status = 'cancelled', finished_at = now() WHERE id = \(request.campaignID)")
                try await transaction.query("""
                    UPDATE mail_outbox SET state = 'cancelled', message = NULL, finished_at = now(), lease_until = NULL
                    WHERE campaign_id = \(request.campaignID) AND state IN ('queued', 'deferred')
                    """)
            }
            guard let campaign = try await CampaignRecords.campaign(request.campaignID, on: transaction) else { throw Self.notFound }
            if request.action == .cancel {
                try await transaction.emit(CampaignFinished(campaignID: campaign.id, status: .cancelled, counts: campaign.counts, at: Date()))
            }
            return campaign
        }
    }
}
