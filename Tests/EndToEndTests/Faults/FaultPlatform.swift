import Foundation
import Glibc
import PostgresNIO
import TestSupport

/// The processes a fault run needs: a gateway, two accounts replicas and marketing (which
/// subscribes to accounts' events), on fresh schemas.
final class FaultPlatform: @unchecked Sendable {
    let gateway: ServiceProcess
    private(set) var accounts: [ServiceProcess]
    let marketing: ServiceProcess
    let accountsSchema: String
    let marketingSchema: String
    let httpPort: Int
    let rpcTimeout: Duration
    private let accountsEnvironment: [String: String]

    var url: String { "http://127.0.0.1:\(httpPort)" }

    init(rpcTimeout: Duration) async throws {
        self.rpcTimeout = rpcTimeout
        let (accountsSchema, accountsDatabase) = try await TestDatabase.freshSchema(for: "accounts")
        let (marketingSchema, marketingDatabase) = try await TestDatabase.freshSchema(for: "marketing")
        self.accountsSchema = accountsSchema
        self.marketingSchema = marketingSchema
        accountsEnvironment = accountsDatabase
        httpPort = freePort()
        let timeout = "\(rpcTimeout.components.seconds * 1000)"
        gateway = try ServiceProcess("gateway", instance: uniqueName("gateway"), opsPort: freePort(), environment: [
            "EXPO_HTTP_PORT": "\(httpPort)", "EXPO_RPC_TIMEOUT_MS": timeout, "EXPO_RATE_LIMIT_PER_MINUTE": "0",
            "EXPO_SIGN_IN_RATE_LIMIT_PER_MINUTE": "0", "EXPO_ACCOUNT_RATE_LIMIT_PER_MINUTE": "0",
        ])
        accounts = []
        marketing = try ServiceProcess("marketing", instance: uniqueName("marketing"), opsPort: freePort(), environment: marketingDatabase)
        for _ in 0..<2 { accounts.append(try startAccountsReplica()) }
    }

    private func startAccountsReplica() throws -> ServiceProcess {
        try ServiceProcess("accounts", instance: uniqueName("accounts"), opsPort: freePort(), environment: accountsEnvironment)
    }

    /// Replaces a killed replica with a new process, as an orchestrator would.
    func restartAccountsReplica(_ index: Int) throws {
        accounts[index] = try startAccountsReplica()
    }

    func waitUntilReady() async throws {
        let ready = await eventually(timeout: .seconds(60), interval: .milliseconds(300)) {
            for process in self.accounts + [self.marketing, self.gateway] {
                guard (try? await httpGet("http://127.0.0.1:\(process.opsPort)/health/ready", timeout: 2).status) == 200 else { return false }
            }
            return true
        }
        guard ready else { throw TestFailure("fault platform not ready; accounts log: \(accounts[0].output.suffix(2000))") }
    }

    func stop() async {
        for process in [gateway, marketing] + accounts { _ = try? await process.terminate() }
        try? await TestDatabase.drop(schema: accountsSchema)
        try? await TestDatabase.drop(schema: marketingSchema)
    }

    /// Rows of a superuser query, each column as text.
    func rows(_ sql: String) async throws -> [[String?]] {
        var result: [[String?]] = []
        try await TestDatabase.admin { connection, logger in
            let rows = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
            for try await row in rows {
                result.append(row.map { cell in cell.bytes.map { String(buffer: $0) } })
            }
        }
        return result
    }

    /// The sum of marketing's `expo_inbox_duplicates_total` counters.
    func inboxDuplicates() async -> Int {
        guard let metrics = try? await httpGet("http://127.0.0.1:\(marketing.opsPort)/metrics") else { return 0 }
        return String(decoding: metrics.body, as: UTF8.self).split(separator: "\n")
            .filter { $0.hasPrefix("expo_inbox_duplicates_total") }
            .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }
            .reduce(0) { $0 + Int($1) }
    }
}
