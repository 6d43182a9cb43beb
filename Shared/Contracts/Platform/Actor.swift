import Foundation

/// Who a request acts for, as authenticated by the gateway; carried in the `x-actor` header.
public struct Actor: Codable, Sendable, Equatable {
    public var accountID: UUID
    public var roles: [String]

    public init(accountID: UUID, roles: [String]) {
        self.accountID = accountID
        self.roles = roles
    }
}
