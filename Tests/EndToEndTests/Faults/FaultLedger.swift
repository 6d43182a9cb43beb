import Foundation
import Synchronization

/// What the load's clients were told: every acknowledged write, and how each request ended.
final class FaultLedger: Sendable {
    struct State {
        /// email → account id, for each acknowledged registration.
        var registered: [String: String] = [:]
        /// account id → the contact name of its last acknowledged profile change.
        var lastPatch: [String: String] = [:]
        var requests = 0
        var acknowledged = 0
        /// Requests that got no answer within the client's timeout (longer than the RPC deadline).
        var hung = 0
        /// Answers a real frontend could not retry its way out of (a 500, an unexpected 4xx).
        var unexpected: [String] = []
        var successes: [ContinuousClock.Instant] = []
    }

    private let state = Mutex(State())

    var snapshot: State { state.withLock { $0 } }

    func attempted() { state.withLock { $0.requests += 1 } }
    func hung() { state.withLock { $0.hung += 1 } }
    func unexpected(_ what: String) { state.withLock { $0.unexpected.append(what) } }

    func registered(_ email: String, id: String) {
        state.withLock {
            $0.registered[email] = id
            $0.acknowledged += 1
            $0.successes.append(.now)
        }
    }

    func patched(_ id: String, contactName: String) {
        state.withLock {
            $0.lastPatch[id] = contactName
            $0.acknowledged += 1
            $0.successes.append(.now)
        }
    }

    func succeeded() { state.withLock { $0.successes.append(.now) } }

    /// How long after `instant` the first request succeeded (nil: none did).
    func firstSuccess(after instant: ContinuousClock.Instant) -> Duration? {
        state.withLock { $0.successes.filter { $0 >= instant }.min().map { $0 - instant } }
    }
}
