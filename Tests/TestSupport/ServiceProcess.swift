import Foundation
import Glibc
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One of the platform's executables running as a real process, with its output in a log file.
public final class ServiceProcess: @unchecked Sendable {
    public let name: String
    public let opsPort: Int
    public let logFile: URL
    private let process = Process()

    /// Starts `executable` from the build folder with the test stack's environment plus `environment`.
    public init(
        _ executable: String, arguments: [String] = [], instance: String, opsPort: Int, environment: [String: String] = [:]
    ) throws {
        name = instance
        self.opsPort = opsPort
        logFile = FileManager.default.temporaryDirectory.appendingPathComponent("\(instance)-\(UUID().uuidString.prefix(6)).log")
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let log = try FileHandle(forWritingTo: logFile)
        process.executableURL = URL(fileURLWithPath: TestEnvironment.binPath).appendingPathComponent(executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["EXPO_INSTANCE_ID"] = instance
        env["EXPO_OPS_PORT"] = String(opsPort)
        env["EXPO_PARENT_PID"] = String(getpid())
        env.merge(environment) { $1 }
        process.environment = env
        process.standardOutput = log
        process.standardError = log
        try process.run()
    }

    public var isRunning: Bool { process.isRunning }
    public var pid: Int32 { process.processIdentifier }

    public func signal(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// Sends SIGTERM and waits for the exit; returns the exit status (or throws if it hangs).
    @discardableResult
    public func terminate(timeout: Duration = .seconds(20)) async throws -> Int32 {
        if process.isRunning { signal(SIGTERM) }
        guard await eventually(timeout: timeout, { !self.process.isRunning }) else {
            signal(SIGKILL)
            throw TestFailure("\(name) did not stop within \(timeout) of SIGTERM; log: \(output)")
        }
        return process.terminationStatus
    }

    /// Waits for a process that ends on its own (a command-line tool); its exit status.
    public func exitStatus(within timeout: Duration = .seconds(60)) async throws -> Int32 {
        guard await eventually(timeout: timeout, { !self.process.isRunning }) else {
            signal(SIGKILL)
            throw TestFailure("\(name) did not finish within \(timeout); log: \(output)")
        }
        return process.terminationStatus
    }

    public var output: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }
}

/// A TCP port for a child process to listen on, free right now and handed out once per test run.
///
/// Not the kernel's pick (`bind` to port 0): that comes from the ephemeral range, which the
/// thousands of outgoing connections of concurrently running tests also draw from, and one of them
/// could take the port before the child binds it (a gateway that cannot bind exits, and its test
/// waits for a readiness that never comes). The ports below the ephemeral range
/// (`ip_local_port_range` starts at 32768) and above the local stack's fixed ones are only ever
/// given out here, each once.
public func freePort() -> Int {
    nextTestPort.mutate { next in
        while true {
            let port = next
            next = next + 1 < testPorts.upperBound ? next + 1 : testPorts.lowerBound
            if canListen(on: port) { return port }
        }
    }
}

/// Below the ephemeral range, above the broker's distribution port (25682).
private let testPorts = 26_000..<32_000
/// Starts at an offset of its own per test process, so two runs side by side rarely meet.
private let nextTestPort = LockedBox(testPorts.lowerBound + Int(getpid()) * 97 % testPorts.count)

private func canListen(on port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
    }
}

/// A minimal HTTP GET over a real socket, for tests of the running processes.
public func httpGet(_ url: String, timeout: TimeInterval = 10) async throws -> (status: Int, body: Data, headers: [String: String]) {
    var request = URLRequest(url: URL(string: url)!)
    request.timeoutInterval = timeout
    let (data, response) = try await URLSession.shared.data(for: request)
    let http = response as! HTTPURLResponse
    var headers: [String: String] = [:]
    for (key, value) in http.allHeaderFields { headers["\(key)".lowercased()] = "\(value)" }
    return (http.statusCode, data, headers)
}
