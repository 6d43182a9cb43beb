import Foundation

/// The languages the platform speaks to people: its mails are written in each (English is the
/// fallback for a text not yet translated), and a person picks theirs when registering or later
/// in the profile.
public enum Language: String, Codable, Sendable, CaseIterable {
    case en, de

    /// The best of the platform's languages for an HTTP `Accept-Language` value (RFC 9110 §12.5.4):
    /// the listed language of highest weight that the platform speaks, nil when none is.
    public static func preferred(in acceptLanguage: String?) -> Language? {
        guard let acceptLanguage else { return nil }
        var best: (language: Language, weight: Double)?
        for item in acceptLanguage.split(separator: ",") {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = parts.first?.lowercased(), let primary = tag.split(separator: "-").first,
                  let language = Language(rawValue: String(primary)) else { continue }
            let weight = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            if weight > 0, weight > (best?.weight ?? 0) { best = (language, weight) }
        }
        return best?.language
    }
}
