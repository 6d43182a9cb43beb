import Foundation
import Glibc
import TestSupport

/// A command run to completion without blocking a thread of the cooperative pool: its output
/// goes to a file, and its exit arrives through the termination handler.
///
/// It is launched from a thread of its own with no signal blocked: a child inherits the signal
/// mask of the thread that spawns it, and the pool's threads block nearly all signals, which
/// left pgbench deaf to the SIGALRM that ends its `-T` run.
enum Subprocess {
    struct Outcome: Sendable {
        let status: Int32
        let output: String
        /// From launch to exit.
        let seconds: Double
    }

    static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], input: URL? = nil
    ) async throws -> Outcome {
        let outputFile = FileManager.default.temporaryDirectory.appendingPathComponent("bench-\(UUID().uuidString).out")
        _ = FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: outputFile) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let output = try FileHandle(forWritingTo: outputFile)
        defer { try? output.close() }
        process.standardOutput = output
        process.standardError = output
        if let input { process.standardInput = try FileHandle(forReadingFrom: input) }
        let clock = ContinuousClock()
        let started = clock.now
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            Thread {
                var none = sigset_t()
                sigemptyset(&none)
                pthread_sigmask(SIG_SETMASK, &none, nil)
                do { try process.run() } catch { continuation.resume(throwing: error) }
            }.start()
        }
        let seconds = (clock.now - started).secondsValue
        return Outcome(status: status, output: (try? String(contentsOf: outputFile, encoding: .utf8)) ?? "", seconds: seconds)
    }

    /// Runs the command and fails unless it exits with 0.
    static func succeed(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], input: URL? = nil
    ) async throws -> Outcome {
        let outcome = try await run(executable, arguments, environment: environment, input: input)
        guard outcome.status == 0 else {
            throw TestFailure("\(executable) \(arguments.joined(separator: " ")) exited with \(outcome.status): \(outcome.output.suffix(2000))")
        }
        return outcome
    }
}
