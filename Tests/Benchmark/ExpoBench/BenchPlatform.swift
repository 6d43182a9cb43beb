import Foundation
import Persistence
import TestSupport

/// The processes under test, as real processes from the release build: gateway, accounts and
/// marketing (which consumes the write scenario's events) on fresh schemas, the two baseline
/// servers, and the C echo server. Rate limits are off: the load comes from one address.
struct BenchPlatform {
    let gateway: ServiceProcess
    let accounts: ServiceProcess
    let marketing: ServiceProcess
    let plainServer: ServiceProcess
    let echoServer: ServiceProcess
    let floorEchoServer: ServiceProcess
    let gatewayPort: Int
    let plainPort: Int
    let schemas: [String]
    /// Bearer tokens of signed-in buyers and suppliers, one account each.
    var tokens: [String] = []

    static let floorEchoQueue = "bench.floor.echo"
    static let floorEchoKey = "bench.floor.echo.v1"

    static func start(users: Int) async throws -> BenchPlatform {
        let (accountsSchema, accountsDatabase) = try await TestDatabase.freshSchema(for: "accounts")
        let (marketingSchema, marketingDatabase) = try await TestDatabase.freshSchema(for: "marketing")
        let gatewayPort = freePort()
        let plainPort = freePort()
        let accounts = try ServiceProcess("accounts", instance: "bench-accounts", opsPort: freePort(), environment: accountsDatabase)
        let marketing = try ServiceProcess("marketing", instance: "bench-marketing", opsPort: freePort(), environment: marketingDatabase)
        let gateway = try ServiceProcess("gateway", instance: "bench-gateway", opsPort: freePort(), environment: [
            "EXPO_HTTP_PORT": "\(gatewayPort)", "EXPO_RATE_LIMIT_PER_MINUTE": "0",
            "EXPO_SIGN_IN_RATE_LIMIT_PER_MINUTE": "0", "EXPO_ACCOUNT_RATE_LIMIT_PER_MINUTE": "0",
        ])
        let plain = try ServiceProcess(
            "expo-bench", arguments: ["plain-server", "\(plainPort)"], instance: "bench-plain", opsPort: 0,
            environment: accountsDatabase)
        let echo = try ServiceProcess("expo-bench", arguments: ["echo-server"], instance: "bench-echo", opsPort: 0)
        let floorEcho = try ServiceProcess(
            "amqp-floor", arguments: ["echo-server", BenchRun.cToolsURL, floorEchoQueue, "\(EchoServer.prefetch)"],
            instance: "bench-floor-echo", opsPort: 0)
        var platform = BenchPlatform(
            gateway: gateway, accounts: accounts, marketing: marketing, plainServer: plain, echoServer: echo,
            floorEchoServer: floorEcho, gatewayPort: gatewayPort, plainPort: plainPort, schemas: [accountsSchema, marketingSchema])
        do {
            try await platform.waitUntilReady()
            platform.tokens = try await BenchAccounts.register(users, base: "http://127.0.0.1:\(gatewayPort)").map(\.token)
        } catch {
            await platform.stop()
            throw error
        }
        return platform
    }

    var processes: [ServiceProcess] { [gateway, accounts, marketing, plainServer, echoServer, floorEchoServer] }

    func stop() async {
        for process in processes { _ = try? await process.terminate() }
        for schema in schemas { try? await TestDatabase.drop(schema: schema) }
    }

    private func waitUntilReady() async throws {
        let ready = await eventually(timeout: .seconds(60), interval: .milliseconds(300)) {
            let accounts = try? await http("GET", "http://127.0.0.1:\(gateway.opsPort)/health/services/accounts", timeout: 3)
            let plain = try? await http("GET", "http://127.0.0.1:\(plainPort)/v1/me", timeout: 3)
            return accounts?["ready"] as? Bool == true && plain?.status == 401
        }
        guard ready else {
            throw TestFailure("the platform did not become ready; logs:\n" + processes.map { "\($0.name): \($0.output.suffix(2000))" }.joined(separator: "\n"))
        }
        for process in processes where !process.isRunning {
            throw TestFailure("\(process.name) exited: \(process.output.suffix(2000))")
        }
    }
}
