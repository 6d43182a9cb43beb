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

    /// A text that may span lines (a message): checked like `required`, but line breaks are kept
    /// (CRLF becomes LF) and blank lines around it trimmed.
    public mutating func requiredLines(_ field: String, _ value: String?, maxLength: Int) -> String? {
        guard let value else {
            fail(field, "is required")
            return nil
        }
        guard let text = trimmed(field, Self.unixLineBreaks(value), lineBreaks: true) else { return nil }
        guard !text.isEmpty else {
            fail(field, "is required")
            return nil
        }
        return bounded(field, text, maxLength: maxLength)
    }

    /// CRLF as LF, scalar by scalar: `replacingOccurrences` works on characters and misses a CRLF
    /// next to one that joins others (the fuzzer found "\r\n\r\n" + a skin-tone modifier).
    static func unixLineBreaks(_ value: String) -> String {
        let scalars = Array(value.unicodeScalars)
        var kept = String.UnicodeScalarView()
        for (index, scalar) in scalars.enumerated() where !(scalar == "\r" && index + 1 < scalars.count && scalars[index + 1] == "\n") {
            kept.append(scalar)
        }
        return String(kept)
    }

    /// The text without surrounding spaces; nil (and an error) if it holds a control or format
    /// character anywhere, which no form field legitimately does (line breaks only where allowed).
    private mutating func trimmed(_ field: String, _ value: String, lineBreaks: Bool = false) -> String? {
        if value.unicodeScalars.contains(where: {
            ($0.properties.generalCategory == .control && !(lineBreaks && $0 == "\n"))
                || $0.properties.generalCategory == .format && $0.value != 0x200D
        }) {
            fail(field, "must not contain control characters")
            return nil
        }
        return value.trimmingCharacters(in: lineBreaks ? .whitespacesAndNewlines : .whitespaces)
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

    /// A `true` or `false` given as text, e.g. a query parameter; nil when absent.
    public mutating func flag(_ field: String, _ value: String?) -> Bool? {
        guard let value else { return nil }
        guard value == "true" || value == "false" else {
            fail(field, "must be true or false")
            return nil
        }
        return value == "true"
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

    /// The alphabetic codes of ISO 4217's current national and regional currencies (list one, as of
    /// 2026: no funds, precious metals, testing codes or withdrawn currencies such as BGN, HRK or ANG).
    /// The OpenAPI document's `CurrencyInput` lists the same codes (checked by the gateway's tests).
    public static let currencies: Set<String> = Set("""
        AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP
        CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD
        JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN
        NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN
        SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VED VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG
        """.split(whereSeparator: \.isWhitespace).map(String.init))

    /// An amount from 0 to `maximum` as JSON carries numbers (binary floating point, so 0.1 arrives
    /// as 0.1000000000000000055), kept as a decimal rounded to `scale` decimals.
    public mutating func amount(
        _ field: String, _ value: Double?, maximum: Double = 1_000_000_000, scale: Int = 4, rounding: Decimal.RoundingMode = .plain
    ) -> Decimal? {
        guard let value else {
            fail(field, "is required")
            return nil
        }
        guard value.isFinite, value >= 0, value <= maximum else {
            fail(field, "must be an amount from 0 to \(Int(maximum))")
            return nil
        }
        // Through its shortest decimal form ("0.1"): Decimal(Double) keeps the binary artefacts, and
        // makes NaN of what is below Decimal's range (1e-300), which no database driver takes.
        var exact = value < 1e-100 ? Decimal(0) : Decimal(string: "\(value)", locale: Locale(identifier: "en_US_POSIX")) ?? Decimal(0)
        var rounded = Decimal()
        NSDecimalRound(&rounded, &exact, scale, rounding)
        return rounded.isNaN ? 0 : rounded
    }

    /// A time as RFC 3339 writes it (the OpenAPI `date-time` format): `2027-03-01T12:00:00Z`, with
    /// optional fractional seconds, any offset up to ±23:59, `t` and `z` in either case.
    public mutating func time(_ field: String, _ value: String?) -> Date? {
        guard let text = required(field, value, maxLength: 64) else { return nil }
        guard let date = Self.rfc3339(text) else {
            fail(field, "must be a time such as 2027-03-01T12:00:00Z")
            return nil
        }
        return date
    }

    public static func rfc3339(_ text: String) -> Date? {
        guard let match = text.wholeMatch(of: timeGrammar) else { return nil }
        let (year, month, day, hour, minute, second) = (Int(match.1)!, Int(match.2)!, Int(match.3)!, Int(match.4)!, Int(match.5)!, Int(match.6)!)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        // A leap second (:60) is the last moment of its minute here.
        let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: min(second, 59))
        guard (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second), let date = calendar.date(from: components),
              calendar.dateComponents([.year, .month, .day], from: date) == DateComponents(year: year, month: month, day: day)
        else { return nil }
        var offset = 0
        if let sign = match.8, let hours = match.9, let minutes = match.10 {
            guard let h = Int(hours), let m = Int(minutes), (0...23).contains(h), (0...59).contains(m) else { return nil }
            offset = (sign == "-" ? -1 : 1) * (h * 3600 + m * 60)
        }
        let fraction = match.7.flatMap { Double("0" + $0) } ?? 0
        return date.addingTimeInterval(fraction - Double(offset))
    }

    nonisolated(unsafe) private static let timeGrammar =
        /([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]{1,9})?(?:[Zz]|([+-])([0-9]{2}):([0-9]{2}))/

    /// An `https` URL as RFC 3986 writes it (ASCII, anything else percent-encoded), with a host and
    /// no credentials, at most 2048 characters: stored as given and never fetched by the platform.
    /// The OpenAPI document's `HttpsURL` pattern is `httpsURLPattern`.
    public mutating func httpsURL(_ field: String, _ value: String?) -> String? {
        guard let text = required(field, value, maxLength: 2048) else { return nil }
        guard text.wholeMatch(of: Self.httpsURLGrammar) != nil else {
            fail(field, "must be an https URL such as https://example.com/picture.jpg")
            return nil
        }
        return text
    }

    public static let httpsURLPattern =
        "^[Hh][Tt][Tt][Pp][Ss]://[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?(?::[0-9]{1,5})?"
        + "(?:[/?](?:[A-Za-z0-9._~!$&'()*+,;=:@/?-]|%[0-9A-Fa-f]{2})*)?(?:#(?:[A-Za-z0-9._~!$&'()*+,;=:@/?-]|%[0-9A-Fa-f]{2})*)?$"

    nonisolated(unsafe) private static let httpsURLGrammar = try! Regex(httpsURLPattern)
}

extension Optional where Wrapped == String {
    /// Nil for an absent or empty text: a cleared optional field (stored as NULL), or an empty
    /// query parameter (the same as none).
    public var nonEmpty: String? { self.flatMap { $0.isEmpty ? nil : $0 } }
}

extension String {
    /// Text a client chose without rules (a header, a search query) made fit to store and show:
    /// control characters dropped, at most `maxLength` characters kept.
    public func printable(maxLength: Int) -> String {
        String(String.UnicodeScalarView(unicodeScalars.filter { $0.properties.generalCategory != .control }).prefix(maxLength))
    }
}
