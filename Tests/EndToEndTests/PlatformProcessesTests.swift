import Foundation
import Glibc
import Testing
import TestSupport

/// The seven executables as real processes over real sockets, against the real broker and database.
@Suite(.serialized, .integration) struct PlatformProcessesTests {
    static let backends = ["accounts", "matchmaking", "messaging", "marketing", "complaints", "data-rights"]

    struct Platform {
        let gateway: ServiceProcess
        let backends: [ServiceProcess]
        let httpPort: Int
        var all: [ServiceProcess] { [gateway] + backends }
        var url: String { "http://127.0.0.1:\(httpPort)" }
        /// The gateway's ops port: the platform's detail, for operators.
        var ops: String { "http://127.0.0.1:\(gateway.opsPort)" }

        static func start() throws -> Platform {
            let httpPort = freePort()
            let gateway = try ServiceProcess(
                "gateway", instance: uniqueName("gateway"), opsPort: freePort(), environment: ["EXPO_HTTP_PORT": "\(httpPort)"])
            let backends = try PlatformProcessesTests.backends.map { name in
                try ServiceProcess(name, instance: uniqueName(name), opsPort: freePort())
            }
            return Platform(gateway: gateway, backends: backends, httpPort: httpPort)
        }

        func status(_ path: String, at base: String? = nil) async -> Int? {
            try? await httpGet((base ?? url) + path, timeout: 5).status
        }

        func stop() async throws -> [Int32] {
            var statuses: [Int32] = []
            for process in all { statuses.append(try await process.terminate()) }
            return statuses
        }
    }

    @Test func allSevenComeUpSurviveABrokerOutageAndStopCleanly() async throws {
        let platform = try Platform.start()
        do {
            let ready = await eventually(timeout: .seconds(90), interval: .milliseconds(500)) { await platform.status("/health/ready") == 200 }
            #expect(ready, "the gateway reports every service ready")
            guard ready else { throw TestFailure("not ready; gateway log: \(platform.gateway.output.suffix(3000))") }

            // A request crosses the broker to a service and back; the reply, on the gateway's ops port,
            // names the replica. The public port says ready and nothing more.
            let ping = try await httpGet(platform.ops + "/health/services/accounts")
            #expect(ping.status == 200)
            let pong = try JSONSerialization.jsonObject(with: ping.body) as? [String: Any]
            #expect(pong?["instance"] as? String == platform.backends[0].name)
            let detail = try JSONSerialization.jsonObject(with: try await httpGet(platform.ops + "/health/platform").body) as? [String: Any]
            #expect((detail?["services"] as? [String: Any])?.count == 6, "the operators' view lists every backend")
            let publicAnswer = try await httpGet(platform.url + "/health/ready")
            #expect(String(decoding: publicAnswer.body, as: UTF8.self) == #"{"status":"ready"}"#)
            #expect(publicAnswer.headers["x-served-by"] == nil)
            #expect(await platform.status("/health/services/accounts") == 404)

            // Each process has its own ops endpoint with health and metrics.
            for process in platform.all {
                let health = try await httpGet("http://127.0.0.1:\(process.opsPort)/health/ready")
                #expect(health.status == 200, "\(process.name) ready")
            }
            let metrics = try await httpGet("http://127.0.0.1:\(platform.backends[0].opsPort)/metrics")
            #expect(String(decoding: metrics.body, as: UTF8.self).contains("expo_rpc_handled_seconds"))

            // The gateway's own: a latency histogram per route and status, and an access log line
            // per request naming the route's template, never a path's secret.
            let secret = "mailed-secret-\(UUID().uuidString)"
            _ = try await http("POST", platform.url + "/v1/email-verifications/\(secret)")
            let gatewayMetrics = String(decoding: try await httpGet(platform.ops + "/metrics").body, as: UTF8.self)
            #expect(gatewayMetrics.contains("expo_http_request_seconds_bucket") && gatewayMetrics.contains(#"route="/health/ready""#),
                    "per-route request latencies on the ops port")
            #expect(await eventually { platform.gateway.output.contains("email-verifications") })
            #expect(!platform.gateway.output.contains(secret), "a mailed token in a path reached the access log")
            #expect(platform.gateway.output.contains("status=200"))

            // The broker is killed for ten seconds: answers are fast 503s, nothing hangs.
            try BrokerControl.stack("broker", "kill")
            let killed = ContinuousClock.now
            #expect(await eventually(timeout: .seconds(15)) { await platform.status("/health/services/accounts", at: platform.ops) == 503 })
            #expect(await platform.status("/health/ready") == 503)
            #expect(ContinuousClock.now - killed < .seconds(15))
            try await Task.sleep(until: killed + .seconds(10))

            // It comes back: the platform recovers with no process restarted.
            try BrokerControl.stack("broker", "start")
            #expect(await eventually(timeout: .seconds(60), interval: .milliseconds(500)) { await platform.status("/health/ready") == 200 })
            #expect(platform.all.allSatisfy { $0.isRunning }, "no process died or was restarted")
            let afterOutage = try await httpGet(platform.ops + "/health/services/data-rights")
            #expect(afterOutage.status == 200)

            // SIGTERM: every process drains and exits 0.
            let statuses = try await platform.stop()
            #expect(statuses == Array(repeating: 0, count: 7), "exit statuses \(statuses)")
        } catch {
            _ = try? await platform.stop()
            throw error
        }
    }

    @Test func aTakenPortIsAClearStartupError() async throws {
        let busy = freePort()
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(busy).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        listen(listener, 1)

        let gateway = try ServiceProcess("gateway", instance: uniqueName("gateway"), opsPort: freePort(), environment: ["EXPO_HTTP_PORT": "\(busy)"])
        #expect(await eventually(timeout: .seconds(20)) { !gateway.isRunning })
        let status = try await gateway.terminate()
        #expect(status == 78)
        #expect(gateway.output.contains("EXPO_HTTP_PORT"))
        #expect(gateway.output.contains("\(busy)"))
    }

    @Test func aServiceStopsWhenTheProcessThatStartedItIsKilled() async throws {
        // A shell stands in for a test run that is killed: it starts messaging and waits for it.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(uniqueName("orphan"))
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let pidFile = folder.appendingPathComponent("pid").path
        let logFile = folder.appendingPathComponent("log").path
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        shell.arguments = [
            "-c", "EXPO_PARENT_PID=$$ \"$0\" >\"$2\" 2>&1 & echo $! >\"$1\"; wait",
            URL(fileURLWithPath: TestEnvironment.binPath).appendingPathComponent("messaging").path, pidFile, logFile,
        ]
        let opsPort = freePort()
        var environment = ProcessInfo.processInfo.environment
        environment["EXPO_INSTANCE_ID"] = uniqueName("orphan")
        environment["EXPO_OPS_PORT"] = "\(opsPort)"
        shell.environment = environment
        try shell.run()
        let started = await eventually(timeout: .seconds(60), interval: .milliseconds(300)) {
            (try? await httpGet("http://127.0.0.1:\(opsPort)/health/live", timeout: 2).status) == 200
        }
        let service = Int32((try? String(contentsOfFile: pidFile, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "")
        defer { if let service { kill(service, SIGKILL) } }
        #expect(started, "messaging came up")
        let pid = try #require(service)

        kill(shell.processIdentifier, SIGKILL)
        #expect(await eventually(timeout: .seconds(30)) { Self.hasExited(pid) }, "messaging outlived the process that started it")
        let log = (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? ""
        #expect(log.contains("the process that started this one exited"), "\(log.suffix(2000))")
        #expect(log.contains("] stopped"), "it stopped gracefully, as on SIGTERM")
    }

    /// Gone, or a zombie its new parent has not reaped yet.
    static func hasExited(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
        // The state follows the parenthesised command name.
        return stat.split(separator: ")").last?.split(separator: " ").first == "Z"
    }
}
