import Contracts
import Foundation

/// Collects field-level errors while reading a request, so one reply names every bad field.
struct FieldChecks {
    private(set) var errors: [Problem.FieldError] = []

    mutating func fail(_ field: String, _ message: String) {
        errors.append(.init(field: field, message: message))
    }

    /// Throws `validation-failed` naming every bad field, if there is one.
    func finish() throws {
        if !errors.isEmpty { throw Problem.validationFailed(errors) }
    }

    /// A text field that must be present: no control characters, trimmed of spaces, 1...`maxLength` characters.
    mutating func required(_ field: String, _ value: String?, maxLength: Int = 200) -> String? {
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
    mutating func optional(_ field: String, _ value: String?, maxLength: Int = 200) -> String? {
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

    private mutating func bounded(_ field: String, _ text: String, maxLength: Int) -> String? {
        guard text.count <= maxLength else {
            fail(field, "must have at most \(maxLength) characters")
            return nil
        }
        return text
    }

    /// An email address as mail systems take it: an ASCII local part of atom characters and dots
    /// (not at either end), `@`,
    /// and a domain of letter, digit and hyphen labels ending in an alphabetic top-level domain;
    /// at most 254 characters.
    mutating func email(_ field: String, _ value: String?) -> String? {
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
    mutating func country(_ field: String, _ value: String?, required isRequired: Bool = true) -> String? {
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
    static let countries: Set<String> = Set(Locale.Region.isoRegions.map(\.identifier).filter { $0.count == 2 && $0.allSatisfy(\.isLetter) })
        .subtracting(["AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XK"])

    /// A telephone number: digits with the usual separators and an optional leading `+`, 6 to 20 digits.
    mutating func telephone(_ field: String, _ value: String?, required isRequired: Bool = true) -> String? {
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
    mutating func oneOf<Value: RawRepresentable & CaseIterable>(_ field: String, _ value: String?, as _: Value.Type) -> Value?
    where Value.RawValue == String {
        guard let text = required(field, value, maxLength: 64) else { return nil }
        guard let parsed = Value(rawValue: text) else {
            fail(field, "must be one of: \(Value.allCases.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        return parsed
    }
}
