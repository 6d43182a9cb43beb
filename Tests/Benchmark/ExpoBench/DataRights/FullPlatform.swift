import Contracts
import Foundation
import Logging
import MessageBus
import TestSupport

/// One gateway and one process of every backend, each on a fresh schema, from the release build;
/// rate limits off (the load comes from one address).
struct FullPlatform {
    let processes: [ServiceProcess]
    let schemas: [String]
    let port: Int
    /// A staff admin's bearer token (bootstrapped as an operator would).
    var adminToken = ""

    static let adminPassword = "benchmark operators only, never a default 9"

    var base: String { "http://127.0.0.1:\(port)" }

    static func start(logger: Logger) async throws -> FullPlatform {
        // Fresh schemas have seen none of the events queued before: they must not queue ahead of these.
        try await withBus(topology: PlatformTopology.make()) { bus in
            for service in ServiceName.backends {
                if !ServiceManifest.of(service).subscribes.isEmpty { try await bus.publisher.purge(queue: PlatformTopology.eventQueue(service)) }
                if !ServiceManifest.of(service).commands.isEmpty { try await bus.publisher.purge(queue: PlatformTopology.commandQueue(service)) }
            }
        }
        let port = freePort()
        var processes = [try ServiceProcess("gateway", instance: "bench-gateway", opsPort: freePort(), environment: [
            "EXPO_HTTP_PORT": "\(port)", "EXPO_RATE_LIMIT_PER_MINUTE": "0",
            "EXPO_SIGN_IN_RATE_LIMIT_PER_MINUTE": "0", "EXPO_ACCOUNT_RATE_LIMIT_PER_MINUTE": "0", "EXPO_LOG_LEVEL": "warning",
        ])]
        var schemas: [String] = []
        let adminEmail = "bench-admin-\(UUID().uuidString.prefix(6).lowercased())@bench.example"
        let passwordFile = FileManager.default.temporaryDirectory.appendingPathComponent("bench-admin-\(UUID().uuidString)")
        try adminPassword.write(to: passwordFile, atomically: true, encoding: .utf8)
        for service in ServiceName.backends {
            let (schema, environment) = try await TestDatabase.freshSchema(for: service.rawValue)
            schemas.append(schema)
            let admin = service == .accounts
                ? ["EXPO_BOOTSTRAP_ADMIN_EMAIL": adminEmail, "EXPO_BOOTSTRAP_ADMIN_PASSWORD_FILE": passwordFile.path] : [:]
            processes.append(try ServiceProcess(
                service.rawValue, instance: "bench-\(service.rawValue)", opsPort: freePort(),
                environment: environment.merging(["EXPO_LOG_LEVEL": "warning"].merging(admin) { $1 }) { $1 }))
        }
        var platform = FullPlatform(processes: processes, schemas: schemas, port: port)
        let ready = await eventually(timeout: .seconds(120), interval: .milliseconds(300)) {
            for service in ServiceName.backends {
                // processes[0] is the gateway: its ops port pings the backends.
                let answer = try? await http("GET", "http://127.0.0.1:\(processes[0].opsPort)/health/services/\(service.rawValue)", timeout: 3)
                guard answer?["ready"] as? Bool == true else { return false }
            }
            return true
        }
        guard ready else {
            let logs = processes.map { "\($0.name): \($0.output.suffix(1500))" }.joined(separator: "\n")
            await platform.stop()
            throw TestFailure("the platform did not become ready; logs:\n\(logs)")
        }
        let session = try await http("POST", "\(platform.base)/v1/sessions", json: ["email": adminEmail, "password": adminPassword])
        guard let token = session["token"] as? String else {
            await platform.stop()
            throw TestFailure("the bootstrapped admin could not sign in: \(session.status)")
        }
        platform.adminToken = token
        logger.info("platform ready")
        return platform
    }

    func stop() async {
        for process in processes { _ = try? await process.terminate() }
        for schema in schemas { try? await TestDatabase.drop(schema: schema) }
    }
}
