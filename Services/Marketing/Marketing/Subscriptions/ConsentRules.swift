import Contracts
import Foundation

/// Where marketing mail needs an opt-in, and what the person was shown when they gave it: the
/// shipped country list (`Resources/consent-countries.txt`) and the wording of each topic, kept
/// with every change as proof.
struct ConsentRules: Sendable {
    /// The privacy policy the wording below belongs to; a new policy text gets a new version.
    static let policyVersion = "2026-12-01"

    let consentCountries: Set<String>

    init() throws {
        guard let url = Bundle.module.url(forResource: "consent-countries", withExtension: "txt") else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "consent-countries.txt"])
        }
        consentCountries = Set(try String(contentsOf: url, encoding: .utf8).split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !$0.hasPrefix("#") })
    }

    /// Whether marketing mail to someone in `country` needs their confirmed opt-in. Unknown
    /// country: yes, the safe side.
    func consentRequired(in country: String?) -> Bool {
        guard let country else { return true }
        return consentCountries.contains(country.uppercased())
    }

    /// The sentence next to the topic's switch, as the web app shows it.
    static func wording(_ topic: SubscriptionTopic) -> String {
        switch topic {
        case .newsletter: "Send me the Online Expo newsletter: new exhibitors, trade events and platform news, about twice a month."
        case .matchmaking: "Mail me buyers and suppliers that match my company's products and purchasing requirements."
        case .eventReminders: "Remind me by mail of unread messages and of the events and meetings I signed up for."
        case .recommendations: "Mail me product recommendations based on what I view and search for on Online Expo."
        }
    }
}
