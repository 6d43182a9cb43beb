import Foundation

/// Who a request acts for, as authenticated by the gateway; carried in the `x-actor` header.
public struct Actor: Codable, Sendable, Equatable {
    public var accountID: UUID
    public var roles: [String]
    /// The session the request was authenticated with, when it came with a bearer token.
    public var sessionID: UUID?

    public init(accountID: UUID, roles: [String], sessionID: UUID? = nil) {
        self.accountID = accountID
        self.roles = roles
        self.sessionID = sessionID
    }

    public func has(role: String) -> Bool { roles.contains(role) }
}
