import Contracts
import Foundation
import PostgresNIO

/// Who a campaign mails, the one rule for sending and for the staff's preview: the contacts its
/// filters match (and who read the campaign's language, when it has one), without those who objected to direct marketing (and to profiling, when a filter
/// is behavioural), restricted processing or whose address is suppressed (walked in account order
/// from a cursor), and of those the ones whose subscription to the topic, stored or by their
/// country's default, is `subscribed`.
enum CampaignAudienceSelection {
    struct Member: Sendable {
        let accountID: UUID
        let email: String
        let name: String
        let companyName: String?
        let country: String?
        /// Their stored subscription to the topic; nil when they never set it.
        let stored: String?
        let language: Language

        func consents(to topic: SubscriptionTopic, rules: ConsentRules) -> Bool {
            let status = stored.flatMap(SubscriptionStatus.init(rawValue:))
                ?? SubscriptionRecords.defaultStatus(topic, country: country, rules: rules)
            return status == .subscribed
        }
    }

    typealias Row = (UUID, String, String, String?, String?, String?, String)

    static func member(_ row: Row) -> Member {
        Member(accountID: row.0, email: row.1, name: row.2, companyName: row.3, country: row.4, stored: row.5,
               language: Language(rawValue: row.6) ?? .en)
    }

    /// The candidates after `cursor` (all when nil), at most `limit` (all when nil), as `Row`s.
    static func candidates(
        _ audience: CampaignAudience, topic: SubscriptionTopic, language: Language?, after cursor: UUID?, limit: Int?
    ) -> PostgresQuery {
        // An absent filter is an empty list here: `CampaignPlan` refuses an empty one given.
        let businessTypes = audience.businessTypes ?? []
        let industries = audience.industries ?? []
        let countries = audience.countries ?? []
        // Choosing people by what they follow or when they were active is profiling, which they may object to.
        let behavioural = audience.followersOf != nil || audience.activeWithinDays != nil
        return """
            SELECT c.account_id, c.email, c.contact_name, c.company_name, c.country, s.status, c.language FROM contacts c
            LEFT JOIN subscriptions s ON s.account_id = c.account_id AND s.topic = \(topic.rawValue) AND s.channel = 'email'
            WHERE c.account_id > coalesce(\(cursor), '00000000-0000-0000-0000-000000000000'::uuid)
              AND (cardinality(\(businessTypes)::text[]) = 0 OR c.business_type = ANY(\(businessTypes)::text[]))
              AND (cardinality(\(industries)::text[]) = 0 OR lower(c.industry) = ANY(\(industries)::text[]))
              AND (cardinality(\(countries)::text[]) = 0 OR c.country = ANY(\(countries)::text[]))
              AND (NOT \(audience.verifiedOnly ?? false) OR c.company_verified)
              AND (\(language?.rawValue)::text IS NULL OR c.language = \(language?.rawValue)::text)
              AND (\(audience.followersOf)::uuid IS NULL OR EXISTS (
                  SELECT 1 FROM follows f WHERE f.company_id = \(audience.followersOf)::uuid AND f.account_id = c.account_id AND f.following))
              AND (\(audience.activeWithinDays)::int IS NULL OR EXISTS (
                  SELECT 1 FROM activity a WHERE a.account_id = c.account_id
                    AND a.last_active_at > now() - make_interval(days => \(audience.activeWithinDays)::int)))
              AND (NOT \(behavioural) OR NOT EXISTS (
                  SELECT 1 FROM objections o WHERE o.account_id = c.account_id AND o.scope = 'profiling'))
              AND NOT EXISTS (SELECT 1 FROM objections o WHERE o.account_id = c.account_id AND o.scope = 'direct-marketing')
              AND NOT EXISTS (SELECT 1 FROM processing_restrictions r WHERE r.account_id = c.account_id)
              AND NOT EXISTS (SELECT 1 FROM mail_suppressions m WHERE m.address_hash = mail_address_hash(c.email))
            ORDER BY c.account_id LIMIT \(limit)
            """
    }
}
