import Foundation

/// Who a request acts for, as authenticated by the gateway; carried in the `x-actor` header.
public struct Actor: Codable, Sendable, Equatable {
    public var accountID: UUID
    /// The company the account acts for (business data belongs to it); nil for staff.
    public var companyID: UUID?
    public var roles: [String]
    /// The session the request was authenticated with, when it came with a bearer token.
    public var sessionID: UUID?

    public init(accountID: UUID, companyID: UUID? = nil, roles: [String], sessionID: UUID? = nil) {
        self.accountID = accountID
        self.companyID = companyID
        self.roles = roles
        self.sessionID = sessionID
    }

    public func has(role: String) -> Bool { roles.contains(role) }
}
