import Foundation
import TestSupport

/// A registered and signed-in account of a benchmark: one company each.
struct BenchAccount: Sendable {
    var accountID: String
    var companyID: String
    var token: String
    var businessType: String
}

enum BenchAccounts {
    static let password = "benchmark password, not a real one 7"

    /// Registers `count` companies through the gateway at `base`, suppliers at even indexes and
    /// purchasers at odd ones, and signs each in; in index order.
    static func register(_ count: Int, base: String) async throws -> [BenchAccount] {
        try await withThrowingTaskGroup(of: (Int, BenchAccount).self) { group in
            var accounts: [(Int, BenchAccount)] = []
            for index in 0..<count {
                // A few at a time: each registration hashes a password with argon2.
                if index >= 4, let account = try await group.next() { accounts.append(account) }
                group.addTask { (index, try await register(index, base: base)) }
            }
            for try await account in group { accounts.append(account) }
            return accounts.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }

    private static func register(_ index: Int, base: String) async throws -> BenchAccount {
        let email = "bench-\(index)-\(UUID().uuidString.prefix(6).lowercased())@bench.example"
        let businessType = index % 2 == 0 ? "supplier" : "purchaser"
        let registered = try await http("POST", "\(base)/v1/accounts", json: [
            "email": email, "password": password, "companyName": "Bench Machinery \(index) Ltd",
            "businessType": businessType, "industry": "Machine tools",
            "country": "DE", "contactName": "Bench User \(index)", "telephone": "+49 30 1234 \(1000 + index % 9000)",
        ])
        guard registered.status == 201, let accountID = registered["id"] as? String,
              let companyID = (registered["company"] as? [String: any Sendable])?["id"] as? String else {
            throw TestFailure("registration answered \(registered.status): \(registered.json)")
        }
        let session = try await http("POST", "\(base)/v1/sessions", json: ["email": email, "password": password])
        guard let token = session["token"] as? String else { throw TestFailure("sign-in answered \(session.status)") }
        return BenchAccount(accountID: accountID, companyID: companyID, token: token, businessType: businessType)
    }
}
