import Contracts
import Foundation

/// The platform's field rules, one copy for every service: collects field-level errors while
/// reading a request, so one reply names every bad field.
public struct FieldChecks {
    public init() {}

    public private(set) var errors: [Problem.FieldError] = []

    public mutating func fail(_ field: String, _ message: String) {
        errors.append(.init(field: field, message: message))
    }

    /// Throws `validation-failed` naming every bad field, if there is one.
    public func finish() throws {
        if !errors.isEmpty { throw Problem.validationFailed(errors) }
    }

    /// A text field that must be present: no control characters, trimmed of spaces, 1...`maxLength` characters.
    public mutating func required(_ field: String, _ value: String?, maxLength: Int = 200) -> String? {
        guard let value else {
            fail(field, "is required")
            return nil
        }
        guard let text = trimmed(field, value) else { return nil }
        guard !text.isEmpty else {
            fail(field, "is required")
            return nil
        }
        return bounded(field, text, maxLength: maxLength)
    }

    /// A text field that may be absent (nil) or cleared (""), otherwise checked like `required`.
    public mutating func optional(_ field: String, _ value: String?, maxLength: Int = 200) -> String? {
        guard let value, let text = trimmed(field, value) else { return nil }
        return text.isEmpty ? "" : bounded(field, text, maxLength: maxLength)
    }

    /// The text without surrounding spaces; nil (and an error) if it holds a control or format
    /// character anywhere, which no form field legitimately does.
    private mutating func trimmed(_ field: String, _ value: String) -> String? {
        if value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0.properties.generalCategory == .format && $0.value != 0x200D }) {
            fail(field, "must not contain control characters")
            return nil
        }
        return value.trimmingCharacters(in: .whitespaces)
    }

    /// At most `maxLength` characters, and at most four code points per character on average, so
    /// a character stacked with thousands of combining marks does not pass as one.
    private mutating func bounded(_ field: String, _ text: String, maxLength: Int) -> String? {
        guard text.count <= maxLength, text.unicodeScalars.count <= maxLength * 4 else {
            fail(field, "must have at most \(maxLength) characters")
            return nil
        }
        return text
    }

    /// An email address as mail systems take it: an ASCII local part of atom characters and dots
    /// (not at either end), `@`,
    /// and a domain of letter, digit and hyphen labels ending in an alphabetic top-level domain;
    /// at most 254 characters.
    public mutating func email(_ field: String, _ value: String?) -> String? {
        guard let text = required(field, value, maxLength: 254) else { return nil }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        let atom = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+/=?^_`{|}~-")
        let labels = parts.count == 2 ? parts[1].split(separator: ".", omittingEmptySubsequences: false) : []
        let valid = parts.count == 2 && (1...64).contains(parts[0].count)
            && parts[0].allSatisfy { atom.contains($0) || $0 == "." } && parts[0].first != "." && parts[0].last != "."
            && labels.count >= 2
            && labels.allSatisfy { label in
                (1...63).contains(label.count) && !label.hasPrefix("-") && !label.hasSuffix("-")
                    && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
            }
            && labels.last.map { $0.count >= 2 && $0.allSatisfy(\.isLetter) } == true
        guard valid else {
            fail(field, "must be an email address such as name@example.com")
            return nil
        }
        return text
    }

    /// An ISO 3166-1 alpha-2 country code, answered in upper case.
    public mutating func country(_ field: String, _ value: String?, required isRequired: Bool = true) -> String? {
        guard let text = isRequired ? required(field, value, maxLength: 2) : optional(field, value, maxLength: 2) else { return nil }
        let code = text.uppercased()
        guard Self.countries.contains(code) else {
            fail(field, "must be an ISO 3166-1 alpha-2 country code such as DE or CN")
            return nil
        }
        return code
    }

    /// ISO 3166-1's assigned codes: the system's region list without the exceptionally reserved and
    /// user-assigned ones it also holds (Ascension, the EU, Kosovo, ...).
    public static let countries: Set<String> = Set(Locale.Region.isoRegions.map(\.identifier).filter { $0.count == 2 && $0.allSatisfy(\.isLetter) })
        .subtracting(["AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XK"])

    /// A telephone number: digits with the usual separators and an optional leading `+`, 6 to 20 digits.
    public mutating func telephone(_ field: String, _ value: String?, required isRequired: Bool = true) -> String? {
        guard let text = isRequired ? required(field, value, maxLength: 32) : optional(field, value, maxLength: 32) else { return nil }
        let allowed = Set("0123456789 +-().")
        let digits = text.filter(\.isASCII).filter(\.isNumber).count
        guard text.allSatisfy(allowed.contains), (6...20).contains(digits), !text.dropFirst().contains("+") else {
            fail(field, "must be a telephone number such as +49 30 1234567")
            return nil
        }
        return text
    }

    /// One of an enumeration's raw values.
    public mutating func oneOf<Value: RawRepresentable & CaseIterable>(_ field: String, _ value: String?, as _: Value.Type) -> Value?
    where Value.RawValue == String {
        guard let text = required(field, value, maxLength: 64) else { return nil }
        guard let parsed = Value(rawValue: text) else {
            fail(field, "must be one of: \(Value.allCases.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        return parsed
    }

    /// An ISO 4217 currency code such as `EUR` or `CNY`, answered in upper case.
    public mutating func currency(_ field: String, _ value: String?) -> String? {
        guard let text = required(field, value, maxLength: 3) else { return nil }
        let code = text.uppercased()
        guard Self.currencies.contains(code) else {
            fail(field, "must be an ISO 4217 currency code such as EUR or CNY")
            return nil
        }
        return code
    }

    /// ISO 4217's alphabetic codes, as the system knows them.
    public static let currencies: Set<String> = Set(Locale.Currency.isoCurrencies.map(\.identifier).filter {
        $0.count == 3 && $0.allSatisfy { $0.isASCII && $0.isUppercase }
    })

    /// An amount of money: from 0 to `maximum`, with at most `scale` digits after the point.
    public mutating func amount(_ field: String, _ value: Decimal?, maximum: Decimal = 1_000_000_000, scale: Int = 4) -> Decimal? {
        guard let value else {
            fail(field, "is required")
            return nil
        }
        var rounded = Decimal()
        var exact = value
        NSDecimalRound(&rounded, &exact, scale, .plain)
        guard value >= 0, value <= maximum, rounded == value else {
            fail(field, "must be an amount from 0 to \(maximum) with at most \(scale) decimals")
            return nil
        }
        return value
    }

    /// An `https` URL with a host and no credentials, at most 2048 characters: stored as given and
    /// never fetched by the platform.
    public mutating func httpsURL(_ field: String, _ value: String?) -> String? {
        guard let text = required(field, value, maxLength: 2048) else { return nil }
        guard !text.contains(where: \.isWhitespace), let url = URLComponents(string: text), url.scheme?.lowercased() == "https",
              let host = url.host, !host.isEmpty, url.user == nil, url.password == nil
        else {
            fail(field, "must be an https URL such as https://example.com/picture.jpg")
            return nil
        }
        return text
    }
}
