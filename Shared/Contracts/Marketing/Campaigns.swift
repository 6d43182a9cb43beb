import Foundation

// Campaigns (API.md, "Marketing and mail"): the marketing team puts a trigger on `expo.commands`;
// marketing mails the consenting audience and reports progress as events.

/// `marketing.trigger-campaign.v1`: mail `topic`'s audience once. The sender picks `campaignId`,
/// so a repeat (a retry, a second publish) is recognised and sends nothing. Topic and business
/// types are plain strings here so a wrong one is refused by name, not as an unreadable body.
public struct TriggerCampaign: CommandContract, Equatable {
    public static let type: MessageType = "marketing.trigger-campaign.v1"

    public var campaignID: UUID
    public var name: String
    /// A marketing topic: `newsletter`, `matchmaking` or `recommendations`.
    public var topic: String
    /// Mustache templates; `contactName`, `companyName` and `unsubscribeURL` are filled per recipient.
    public var subject: String
    public var html: String
    public var text: String
    /// The language the campaign is written in (ISO 639-1), for the record.
    public var language: String?
    public var audience: CampaignAudience
    /// Not before this time; now when absent.
    public var sendAt: Date?
    /// The campaign's own pace, mails per second (default 200).
    public var maxPerSecond: Int?

    enum CodingKeys: String, CodingKey {
        case campaignID = "campaignId"
        case name, topic, subject, html, text, language, audience, sendAt, maxPerSecond
    }

    public init(
        campaignID: UUID, name: String, topic: String, subject: String, html: String, text: String, language: String? = nil,
        audience: CampaignAudience = CampaignAudience(), sendAt: Date? = nil, maxPerSecond: Int? = nil
    ) {
        self.campaignID = campaignID
        self.name = name
        self.topic = topic
        self.subject = subject
        self.html = html
        self.text = text
        self.language = language
        self.audience = audience
        self.sendAt = sendAt
        self.maxPerSecond = maxPerSecond
    }
}

/// Who a campaign is for, on top of the topic's consent: every filter given must match.
public struct CampaignAudience: Codable, Sendable, Equatable {
    /// `supplier`, `purchaser`, `individual-purchaser`.
    public var businessTypes: [String]?
    public var industries: [String]?
    /// ISO 3166-1 alpha-2 codes of the companies' countries.
    public var countries: [String]?
    /// Only people of verified companies.
    public var verifiedOnly: Bool?
    /// People who follow this exhibitor (a company id) or one of its products (from matchmaking's
    /// follow events). With `activeWithinDays`, a behavioural filter: it leaves out whoever
    /// objected to profiling.
    public var followersOf: UUID?
    /// People active on the platform within this many days, 1 to 365 (from matchmaking's activity
    /// events: a visit or a search while signed in).
    public var activeWithinDays: Int?

    public init(
        businessTypes: [String]? = nil, industries: [String]? = nil, countries: [String]? = nil, verifiedOnly: Bool? = nil,
        followersOf: UUID? = nil, activeWithinDays: Int? = nil
    ) {
        self.businessTypes = businessTypes
        self.industries = industries
        self.countries = countries
        self.verifiedOnly = verifiedOnly
        self.followersOf = followersOf
        self.activeWithinDays = activeWithinDays
    }
}

public enum CampaignStatus: String, Codable, Sendable, CaseIterable {
    case scheduled, sending, paused, cancelled, finished
    /// Refused: the trigger could not be carried out (only ever reported, never stored).
    case failed
}

/// Where a campaign's mails stand. `audience` counts the people it was queued for so far (the
/// whole audience once it is complete); `suppressed` the ones whose address or consent stopped
/// the mail at the last moment; `unsubscribed` those who used its one-click link.
public struct CampaignCounts: Codable, Sendable, Equatable {
    public var audience: Int
    public var sent: Int
    public var failed: Int
    public var bounced: Int
    public var suppressed: Int
    public var unsubscribed: Int

    public init(audience: Int = 0, sent: Int = 0, failed: Int = 0, bounced: Int = 0, suppressed: Int = 0, unsubscribed: Int = 0) {
        self.audience = audience
        self.sent = sent
        self.failed = failed
        self.bounced = bounced
        self.suppressed = suppressed
        self.unsubscribed = unsubscribed
    }
}

/// A batch of a campaign was queued.
public struct CampaignProgressed: EventContract {
    public static let type: MessageType = "marketing.campaign-progressed.v1"

    public var campaignID: UUID
    public var counts: CampaignCounts
    /// Every recipient is queued; what remains is sending.
    public var audienceComplete: Bool
    public var at: Date

    public init(campaignID: UUID, counts: CampaignCounts, audienceComplete: Bool, at: Date) {
        self.campaignID = campaignID
        self.counts = counts
        self.audienceComplete = audienceComplete
        self.at = at
    }
}

/// A campaign ended: `finished` (every mail answered by the relay), `cancelled`, or `failed` (the
/// trigger was refused, with the reason; `campaignID` is nil when not even that could be read).
public struct CampaignFinished: EventContract {
    public static let type: MessageType = "marketing.campaign-finished.v1"

    public var campaignID: UUID?
    public var status: CampaignStatus
    public var reason: String?
    public var counts: CampaignCounts
    public var at: Date

    public init(campaignID: UUID?, status: CampaignStatus, reason: String? = nil, counts: CampaignCounts = CampaignCounts(), at: Date) {
        self.campaignID = campaignID
        self.status = status
        self.reason = reason
        self.counts = counts
        self.at = at
    }
}
