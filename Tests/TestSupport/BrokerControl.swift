import Foundation
import Glibc

/// Stops and starts the test broker (and database) through `deploy/stack broker|db ...`.
public enum BrokerControl {
    /// Closes every client connection and the AMQP listener; the node keeps its data.
    public static func stopApp() throws { try stack("broker", "stop-app") }
    public static func startApp() throws { try stack("broker", "start-app") }

    /// Runs `deploy/stack` with `arguments` and waits for it. Spawned and reaped by hand:
    /// Foundation's `Process` was seen to miss the exit of a script that leaves a daemon behind.
    public static func stack(_ arguments: String...) throws { try run(arguments) }

    static func run(_ arguments: [String]) throws {
        let argv = ["/bin/bash", TestEnvironment.stack] + arguments
        var pid: pid_t = 0
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        let cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        let spawned = posix_spawn(&pid, "/bin/bash", &actions, nil, cArguments, environ)
        guard spawned == 0 else { throw TestFailure("could not run deploy/stack: errno \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        guard status == 0 else { throw TestFailure("deploy/stack \(arguments.joined(separator: " ")) failed (status \(status))") }
    }

    /// `stack` on a thread of its own, for callers on the cooperative pool that must not block
    /// it (a broker start takes seconds).
    public static func stackInBackground(_ arguments: String...) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            Thread.detachNewThread {
                do {
                    try run(arguments)
                    continuation.resume()
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }
}
