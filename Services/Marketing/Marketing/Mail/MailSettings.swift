import Foundation
import ServiceRuntime

/// Where and how the marketing service sends mail (`EXPO_SMTP_*` and `EXPO_MAIL_*`; the README
/// lists them). The relay password comes from the environment only and is never logged.
struct MailSettings: Sendable {
    /// `smtp://host:port` (STARTTLS when offered, or required with `requireTLS`) or `smtps://host:port`.
    var relayURL: String
    var username: String?
    var password: String?
    var requireTLS: Bool
    var timeoutSeconds: Int
    /// Open SMTP connections (and sending threads) per replica.
    var connections: Int
    /// The relay's limits for all replicas together (`EXPO_SMTP_MAX_PER_SECOND`, `_PER_HOUR`; unset
    /// or 0: none). Marketing mail waits for room; transactional mail is never held back, and counts.
    var maxPerSecond: Int?
    var maxPerHour: Int?
    /// The `From:` header, e.g. `Online Expo <no-reply@expo.example>`.
    var from: String
    /// The envelope sender, where relays return bounces.
    var envelopeFrom: String
    /// Links in mails point here (the web app's origin).
    var publicBaseURL: String
    /// The gateway's public origin, for the one-click unsubscribe URL (mail clients POST to it).
    var publicAPIURL: String
    /// Signs unsubscribe links (`EXPO_MAIL_SIGNING_KEY`, at least 32 characters); unset, a fixed
    /// key for the local stack is used and the service says so at start.
    var signingKey: String
    var usesDevelopmentSigningKey: Bool
    /// The domain of the `From:` address: `Message-ID`s and the DKIM signature's by default.
    var fromDomain: String
    /// Signs every mail when `EXPO_DKIM_SELECTOR` and `EXPO_DKIM_PRIVATE_KEY_FILE` (a PEM RSA key)
    /// are set, for `EXPO_DKIM_DOMAIN` (default: the `From:` domain).
    var dkim: DKIMSigner?

    init(environment env: Environment) throws {
        relayURL = env["EXPO_SMTP_URL"] ?? "smtp://127.0.0.1:2526"
        guard relayURL.hasPrefix("smtp://") || relayURL.hasPrefix("smtps://") else {
            throw ConfigurationError("EXPO_SMTP_URL", "must start with smtp:// or smtps://")
        }
        username = env["EXPO_SMTP_USERNAME"]
        password = env["EXPO_SMTP_PASSWORD"]
        guard (username == nil) == (password == nil) else {
            throw ConfigurationError("EXPO_SMTP_USERNAME", "is set without EXPO_SMTP_PASSWORD or the other way round")
        }
        switch env["EXPO_SMTP_REQUIRE_TLS"] ?? "0" {
        case "1", "true": requireTLS = true
        case "0", "false": requireTLS = false
        default: throw ConfigurationError("EXPO_SMTP_REQUIRE_TLS", "must be 0 or 1")
        }
        timeoutSeconds = try env.integer("EXPO_SMTP_TIMEOUT_SECONDS", default: 30, in: 1...600)
        connections = try env.integer("EXPO_SMTP_CONNECTIONS", default: 4, in: 1...64)
        let perSecond = try env.integer("EXPO_SMTP_MAX_PER_SECOND", default: 0, in: 0...100_000)
        let perHour = try env.integer("EXPO_SMTP_MAX_PER_HOUR", default: 0, in: 0...100_000_000)
        maxPerSecond = perSecond == 0 ? nil : perSecond
        maxPerHour = perHour == 0 ? nil : perHour
        envelopeFrom = env["EXPO_MAIL_BOUNCE_ADDRESS"] ?? "bounces@expo.example"
        from = env["EXPO_MAIL_FROM"] ?? "Online Expo <no-reply@expo.example>"
        publicBaseURL = env["EXPO_PUBLIC_BASE_URL"] ?? "http://localhost:8080"
        publicAPIURL = env["EXPO_PUBLIC_API_URL"] ?? "http://localhost:8080"
        if let key = env["EXPO_MAIL_SIGNING_KEY"] {
            guard key.count >= 32 else { throw ConfigurationError("EXPO_MAIL_SIGNING_KEY", "must have at least 32 characters") }
            signingKey = key
            usesDevelopmentSigningKey = false
        } else {
            signingKey = "local development only: set EXPO_MAIL_SIGNING_KEY in production"
            usesDevelopmentSigningKey = true
        }
        for (name, value) in [("EXPO_MAIL_BOUNCE_ADDRESS", envelopeFrom), ("EXPO_MAIL_FROM", from)]
        where value.contains(where: { $0 == "\r" || $0 == "\n" }) || !value.contains("@") {
            throw ConfigurationError(name, "is not one mail address")
        }
        let address = from.split(separator: "<").last.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "> ")) } ?? from
        fromDomain = String(address.split(separator: "@").last ?? "expo.example")
        dkim = try Self.dkim(env, fromDomain: fromDomain)
    }

    private static func dkim(_ env: Environment, fromDomain: String) throws -> DKIMSigner? {
        let selector = env["EXPO_DKIM_SELECTOR"]
        let file = env["EXPO_DKIM_PRIVATE_KEY_FILE"]
        guard selector != nil || file != nil else { return nil }
        guard let selector, let file else {
            throw ConfigurationError("EXPO_DKIM_SELECTOR", "and EXPO_DKIM_PRIVATE_KEY_FILE are set together or not at all")
        }
        let label = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.")
        guard !selector.isEmpty, selector.allSatisfy(label.contains) else {
            throw ConfigurationError("EXPO_DKIM_SELECTOR", "must be a DNS label such as expo2026")
        }
        let domain = env["EXPO_DKIM_DOMAIN"] ?? fromDomain
        guard !domain.isEmpty, domain.allSatisfy(label.contains) else { throw ConfigurationError("EXPO_DKIM_DOMAIN", "must be a domain name") }
        let pem: String
        do { pem = try String(contentsOfFile: file, encoding: .utf8) } catch {
            throw ConfigurationError("EXPO_DKIM_PRIVATE_KEY_FILE", "cannot be read")
        }
        do {
            return try DKIMSigner(domain: domain, selector: selector, pem: pem)
        } catch {
            throw ConfigurationError("EXPO_DKIM_PRIVATE_KEY_FILE", "is not a PEM RSA private key of at least 2048 bits")
        }
    }
}
