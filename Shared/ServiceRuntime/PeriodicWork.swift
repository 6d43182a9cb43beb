import Logging
import ServiceLifecycle

/// Work a backend does on a clock rather than on a message (e.g. expiring what reached its
/// deadline). Every replica runs it: the work itself must make a second run a no-op (claim rows
/// with `FOR UPDATE SKIP LOCKED` and change their state in the same transaction), so it fires
/// once however many replicas there are, and after a restart it catches up from the database.
public struct PeriodicWork: Sendable {
    public var name: String
    public var interval: Duration
    public var run: @Sendable () async throws -> Void

    public init(name: String, interval: Duration, run: @escaping @Sendable () async throws -> Void) {
        self.name = name
        self.interval = interval
        self.run = run
    }
}

/// Runs one `PeriodicWork` until graceful shutdown; a failed round is logged and tried again.
struct PeriodicWorker: Service {
    let work: PeriodicWork
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await work.run()
                } catch {
                    logger.warning("periodic work failed", metadata: ["work": "\(work.name)", "error": "\(String(reflecting: error))"])
                }
                try? await Task.sleep(for: work.interval)
            }
        }
    }
}
