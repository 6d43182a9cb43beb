import Contracts
import Foundation
import ServiceRuntime

/// A campaign trigger that passed every check: a marketing topic, templates that parse, an
/// audience whose filters name known values, a pace within bounds. The queue's trigger and the
/// staff's endpoint go through this one check.
struct CampaignPlan: Sendable {
    static let defaultPace = 200
    static let paceLimit = 1...10_000
    /// The largest template part accepted, in Unicode scalars: a long newsletter is a few tens of
    /// kilobytes, and both parts must fit the gateway's 1 MiB body even with every scalar escaped.
    static let templateLimit = 40_000

    let trigger: TriggerCampaign
    let name: String
    let topic: SubscriptionTopic
    let template: MailTemplate
    /// Only people who read this language get the campaign; all of them without it.
    let language: Language?
    /// The filters, normalised (upper-case countries, lower-case industries).
    let audience: CampaignAudience
    let maxPerSecond: Int

    /// Throws `validation-failed` naming every field that is wrong.
    init(_ trigger: TriggerCampaign) throws {
        var checks = FieldChecks()
        let name = checks.required("name", trigger.name, maxLength: 200)
        let topic = checks.oneOf("topic", trigger.topic, as: SubscriptionTopic.self)
        if let topic, !topic.isMarketing { checks.fail("topic", "is service mail, not a marketing topic") }
        _ = checks.required("subject", trigger.subject, maxLength: 200)
        // As the OpenAPI document states them: Unicode scalars, at least one not white space.
        for (field, part) in [("html", trigger.html), ("text", trigger.text)] {
            if !part.unicodeScalars.contains(where: { !$0.properties.isWhitespace }) { checks.fail(field, "is required") }
            if part.unicodeScalars.count > Self.templateLimit { checks.fail(field, "must be at most \(Self.templateLimit) characters") }
        }
        var template: MailTemplate?
        do {
            template = try MailTemplate(subject: trigger.subject, text: trigger.text, html: trigger.html)
        } catch {
            checks.fail(error.part, "does not parse as a Mustache template: \(error.reason)")
        }
        let language = trigger.language == nil ? nil : checks.oneOf("language", trigger.language?.lowercased(), as: Language.self)
        let pace = trigger.maxPerSecond ?? Self.defaultPace
        if !Self.paceLimit.contains(pace) {
            checks.fail("maxPerSecond", "must be between \(Self.paceLimit.lowerBound) and \(Self.paceLimit.upperBound)")
        }
        let audience = Self.audience(trigger.audience, checks: &checks)
        try checks.finish()
        // finish() threw unless every check passed, so the parsed values are there.
        self.trigger = trigger
        self.name = name!
        self.topic = topic!
        self.template = template!
        self.language = language
        self.audience = audience
        maxPerSecond = pace
    }

    /// As far back as matchmaking keeps the online records that activity is learnt from.
    static let activeWithinDaysLimit = 365

    private static func audience(_ given: CampaignAudience, checks: inout FieldChecks) -> CampaignAudience {
        var audience = given
        func list(_ field: String, _ values: [String]?, _ check: (inout FieldChecks, String, String) -> String?) -> [String]? {
            guard let values else { return nil }
            if values.isEmpty { checks.fail("audience.\(field)", "must name at least one, or be left out") }
            return values.enumerated().compactMap { check(&checks, "audience.\(field)[\($0.offset)]", $0.element) }
        }
        audience.businessTypes = list("businessTypes", given.businessTypes) { $0.oneOf($1, $2, as: BusinessType.self)?.rawValue }
        audience.industries = list("industries", given.industries) { $0.required($1, $2, maxLength: 100)?.lowercased() }
        audience.countries = list("countries", given.countries) { $0.country($1, $2) }
        if let days = given.activeWithinDays, !(1...activeWithinDaysLimit).contains(days) {
            checks.fail("audience.activeWithinDays", "must be from 1 to \(activeWithinDaysLimit) days")
        }
        return audience
    }
}
