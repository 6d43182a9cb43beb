import Contracts
import Foundation
import MessageBus
import TestSupport

/// Gateways and an accounts process as real processes, on a fresh schema with its own first
/// admin (bootstrapped from the environment, as an operator would), and any other backends the
/// test needs, each on a fresh schema of its own.
struct AccountsStack {
    let gateways: [ServiceProcess]
    let ports: [Int]
    let accounts: ServiceProcess
    let schema: String
    let backends: [(service: ServiceName, process: ServiceProcess, schema: String)]
    let adminEmail: String
    static let adminPassword = "operators only, never a default 9"
    static let password = "correct horse battery staple 42"

    func url(_ path: String, gateway: Int = 0) -> String { "http://127.0.0.1:\(ports[gateway])\(path)" }
    /// A gateway's ops port: the platform's state and service pings, for operators.
    func opsURL(_ path: String, gateway: Int = 0) -> String { "http://127.0.0.1:\(gateways[gateway].opsPort)\(path)" }

    static func start(
        gateways: [[String: String]] = [[:]], accounts: [String: String] = [:], backends names: [ServiceName] = [],
        environment: [String: String] = [:]
    ) async throws -> AccountsStack {
        let (schema, database) = try await TestDatabase.freshSchema(for: "accounts")
        let passwordFile = FileManager.default.temporaryDirectory.appendingPathComponent(uniqueName("admin-password"))
        try adminPassword.write(to: passwordFile, atomically: true, encoding: .utf8)
        let adminEmail = "\(uniqueName("admin"))@expo.example"
        let accountsProcess = try ServiceProcess(
            "accounts", instance: uniqueName("accounts"), opsPort: freePort(),
            environment: database.merging([
                "EXPO_BOOTSTRAP_ADMIN_EMAIL": adminEmail, "EXPO_BOOTSTRAP_ADMIN_PASSWORD_FILE": passwordFile.path,
                "EXPO_LOCKOUT_THRESHOLD": "3", "EXPO_LOCKOUT_SECONDS": "3",
            ]) { $1 }.merging(accounts) { $1 })
        var processes: [ServiceProcess] = []
        var ports: [Int] = []
        for environment in gateways {
            let port = freePort()
            processes.append(try ServiceProcess(
                "gateway", instance: uniqueName("gateway"), opsPort: freePort(),
                environment: ["EXPO_HTTP_PORT": "\(port)", "EXPO_SIGN_IN_RATE_LIMIT_PER_MINUTE": "6000"].merging(environment) { $1 }))
            ports.append(port)
        }
        var backends: [(service: ServiceName, process: ServiceProcess, schema: String)] = []
        for name in names {
            // A fresh schema has seen none of the earlier tests' events: they must not queue ahead of this test's.
            try await withBus(topology: PlatformTopology.make()) { bus in
                if !ServiceManifest.of(name).subscribes.isEmpty { try await bus.publisher.purge(queue: PlatformTopology.eventQueue(name)) }
                if !ServiceManifest.of(name).commands.isEmpty { try await bus.publisher.purge(queue: PlatformTopology.commandQueue(name)) }
            }
            let (backendSchema, backendDatabase) = try await TestDatabase.freshSchema(for: name.rawValue)
            backends.append((name, try ServiceProcess(
                name.rawValue, instance: uniqueName(name.rawValue), opsPort: freePort(),
                environment: backendDatabase.merging(environment) { $1 }), backendSchema))
        }
        let stack = AccountsStack(
            gateways: processes, ports: ports, accounts: accountsProcess, schema: schema, backends: backends, adminEmail: adminEmail)
        for index in ports.indices {
            for (name, process) in [("accounts", accountsProcess)] + zip(names.map(\.rawValue), backends.map(\.process)) {
                let ready = await eventually(timeout: .seconds(60), interval: .milliseconds(300)) {
                    let pong = try? await http("GET", stack.opsURL("/health/services/\(name)", gateway: index), timeout: 3)
                    return pong?["ready"] as? Bool == true
                }
                guard ready else {
                    let gateway = processes[index]
                    let failure = TestFailure("""
                        \(name) not ready at gateway \(index) (\(gateway.isRunning ? "running" : "exited")); \
                        \(name)'s log: \(process.output.suffix(3000)) gateway's log: \(gateway.output.suffix(3000))
                        """)
                    try? await stack.stop()
                    throw failure
                }
            }
        }
        return stack
    }

    func stop() async throws {
        for process in gateways + [accounts] + backends.map(\.process) { _ = try? await process.terminate() }
        try await TestDatabase.drop(schema: schema)
        for backend in backends { try await TestDatabase.drop(schema: backend.schema) }
    }

    /// Runs `body` with a started stack and stops it afterwards, also when `body` fails;
    /// `environment` goes to every backend but accounts.
    static func with(
        gateways: [[String: String]] = [[:]], accounts: [String: String] = [:], backends: [ServiceName] = [],
        environment: [String: String] = [:], _ body: (AccountsStack) async throws -> Void
    ) async throws {
        let stack = try await start(gateways: gateways, accounts: accounts, backends: backends, environment: environment)
        do {
            try await body(stack)
        } catch {
            try? await stack.stop()
            throw error
        }
        try await stack.stop()
    }

    func register(
        _ email: String, businessType: String = "supplier", gateway: Int = 0, key: String? = nil, headers: [String: String] = [:]
    ) async throws -> HTTPAnswer {
        try await http("POST", url("/v1/accounts", gateway: gateway), json: [
            "email": email, "password": Self.password, "companyName": "Ningbo Industrial Robots Co.", "businessType": businessType,
            "industry": "Industrial robots", "country": "CN", "contactName": "Zhang Min", "title": "Director",
            "department": "International sales", "telephone": "+86 574 8888 0000",
        ], headers: headers.merging(key.map { ["Idempotency-Key": $0] } ?? [:]) { $1 })
    }

    func signIn(_ email: String, _ password: String = password, gateway: Int = 0) async throws -> HTTPAnswer {
        try await http("POST", url("/v1/sessions", gateway: gateway), json: ["email": email, "password": password],
                       headers: ["User-Agent": "JourneyTest/1.0"])
    }

    /// The fresh schema a backend of this stack runs on.
    func schema(of name: ServiceName) -> String {
        backends.first { $0.service == name }?.schema ?? name.rawValue
    }

    /// Waits until marketing learnt of the account from accounts' registration event: a mail about
    /// it needs the address.
    func waitUntilMarketingKnows(_ accountID: String) async throws {
        let known = await eventually(timeout: .seconds(30)) {
            (try? await TestDatabase.adminCount("SELECT count(*) FROM \(schema(of: .marketing)).contacts WHERE account_id = '\(accountID)'")) == 1
        }
        if !known { throw TestFailure("marketing did not learn of account \(accountID)") }
    }

    func count(_ table: String) async throws -> Int {
        try await TestDatabase.adminCount("SELECT count(*) FROM \(schema).\(table)")
    }
}
