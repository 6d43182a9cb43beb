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

/// A TCP port nothing listens on right now (the kernel picks it).
public func freePort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
            _ = bind(fd, pointer, length)
            return getsockname(fd, pointer, &length)
        }
    }
    return Int(UInt16(bigEndian: address.sin_port))
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
