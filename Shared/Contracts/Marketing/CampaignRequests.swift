import Foundation

// The staff's campaign requests (API.md, "Marketing and mail", `marketing` role): the same
// campaigns the queue triggers, created, watched and steered from the back office.

/// A campaign as staff see it.
public struct Campaign: Codable, Sendable, Equatable {
    public var id: UUID
    public var name: String
    public var topic: String
    public var status: CampaignStatus
    /// How it was triggered: `queue` or `staff`.
    public var source: String
    public var language: String?
    public var audience: CampaignAudience
    public var maxPerSecond: Int
    public var sendAt: Date
    public var audienceComplete: Bool
    public var counts: CampaignCounts
    public var createdAt: Date
    public var finishedAt: Date?

    public init(
        id: UUID, name: String, topic: String, status: CampaignStatus, source: String, language: String?, audience: CampaignAudience,
        maxPerSecond: Int, sendAt: Date, audienceComplete: Bool, counts: CampaignCounts, createdAt: Date, finishedAt: Date?
    ) {
        self.id = id
        self.name = name
        self.topic = topic
        self.status = status
        self.source = source
        self.language = language
        self.audience = audience
        self.maxPerSecond = maxPerSecond
        self.sendAt = sendAt
        self.audienceComplete = audienceComplete
        self.counts = counts
        self.createdAt = createdAt
        self.finishedAt = finishedAt
    }
}

/// `POST /v1/admin/campaigns`: the queue's trigger, from the back office (201; a used id is 409).
public struct CreateCampaign: RequestContract {
    public typealias Reply = Campaign
    public static let type: MessageType = "marketing.create-campaign.v1"
    public static let access = Access.role(.marketing)

    public var campaign: TriggerCampaign

    public init(campaign: TriggerCampaign) { self.campaign = campaign }
}

/// `GET /v1/admin/campaigns`: newest first.
public struct ListCampaigns: RequestContract {
    public typealias Reply = Page<Campaign>
    public static let type: MessageType = "marketing.list-campaigns.v1"
    public static let access = Access.role(.marketing)

    public var page: PageRequest

    public init(page: PageRequest = PageRequest()) { self.page = page }
}

/// `GET /v1/admin/campaigns/{id}`: status and counts.
public struct GetCampaign: RequestContract {
    public typealias Reply = Campaign
    public static let type: MessageType = "marketing.get-campaign.v1"
    public static let access = Access.role(.marketing)

    public var campaignID: UUID

    public init(campaignID: UUID) { self.campaignID = campaignID }
}

/// `GET /v1/admin/campaigns/{id}/audience`: how many people the campaign would mail now, with
/// consent, objections, restrictions and suppressions applied; nothing is sent.
public struct PreviewCampaignAudience: RequestContract {
    public typealias Reply = CampaignAudienceSize
    public static let type: MessageType = "marketing.preview-campaign-audience.v1"
    public static let access = Access.role(.marketing)

    public var campaignID: UUID

    public init(campaignID: UUID) { self.campaignID = campaignID }
}

public struct CampaignAudienceSize: Codable, Sendable, Equatable {
    public var campaignID: UUID
    public var size: Int

    public init(campaignID: UUID, size: Int) {
        self.campaignID = campaignID
        self.size = size
    }
}

public enum CampaignAction: String, Codable, Sendable, CaseIterable {
    /// No new batches until resumed (mails already handed to the outbox still leave).
    case pause
    case resume
    /// For good: the mails not yet sent are withdrawn from the outbox.
    case cancel
}

/// `POST /v1/admin/campaigns/{id}/pause|resume|cancel`; one not allowed in the campaign's state
/// is 409 `transition-not-allowed`.
public struct ChangeCampaign: RequestContract {
    public typealias Reply = Campaign
    public static let type: MessageType = "marketing.change-campaign.v1"
    public static let access = Access.role(.marketing)

    public var campaignID: UUID
    public var action: CampaignAction

    public init(campaignID: UUID, action: CampaignAction) {
        self.campaignID = campaignID
        self.action = action
    }
}
