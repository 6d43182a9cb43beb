import Foundation

/// What a new password must be: 12 to 128 characters, not one of the breached passwords the
/// project ships, and not the account's email.
public struct PasswordPolicy: Sendable {
    public static let minimumLength = 12
    public static let maximumLength = 128

    private let breached: Set<String>

    public init(breached: Set<String>) {
        self.breached = breached
    }

    /// The policy with the shipped list of the most common breached passwords.
    public static func shipped() throws -> PasswordPolicy {
        guard let url = Bundle.module.url(forResource: "breached-passwords", withExtension: "txt", subdirectory: "Resources") else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "breached-passwords.txt is missing from the bundle"])
        }
        let lines = try String(contentsOf: url, encoding: .utf8).split(whereSeparator: \.isNewline)
        return PasswordPolicy(breached: Set(lines.filter { !$0.hasPrefix("#") }.map { $0.lowercased() }))
    }

    /// Why `password` may not be used, or nil if it may.
    public func problem(with password: String, email: String?) -> String? {
        let length = password.count
        if length < Self.minimumLength { return "must have at least \(Self.minimumLength) characters" }
        if length > Self.maximumLength { return "must have at most \(Self.maximumLength) characters" }
        if breached.contains(password.lowercased()) { return "is one of the most common breached passwords; choose another" }
        if let email, password.lowercased() == email.lowercased() { return "must not be the email address" }
        return nil
    }

    public var breachedCount: Int { breached.count }
}
