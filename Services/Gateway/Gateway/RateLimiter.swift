import Foundation
import ServiceRuntime
import Synchronization

/// Token buckets keyed by client (IP address or account): each holds up to `burst` requests and
/// refills at `perMinute`. In memory, per gateway replica: with N replicas behind a balancer a
/// client gets up to N times the rate.
public final class RateLimiter: Sendable {
    public struct Policy: Sendable, Equatable {
        public var perMinute: Int
        public var burst: Int

        public init(perMinute: Int, burst: Int? = nil) {
            self.perMinute = perMinute
            self.burst = burst ?? max(1, perMinute / 6)
        }

        /// A rate of 0 turns the limit off (e.g. for benchmarks).
        public var isEnabled: Bool { perMinute > 0 }
    }

    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    public let policy: Policy
    private let buckets = Mutex<[String: Bucket]>([:])
    private let maxKeys: Int

    public init(policy: Policy, maxKeys: Int = 100_000) {
        self.policy = policy
        self.maxKeys = maxKeys
    }

    /// Takes one request from `key`'s bucket: nil if allowed, else how long until one is.
    public func take(_ key: String, now: ContinuousClock.Instant = .now) -> Duration? {
        take(key, count: 1, now: now)
    }

    /// Whether `key` could take one now (nil) or how long until it can, without taking it.
    public func peek(_ key: String, now: ContinuousClock.Instant = .now) -> Duration? {
        take(key, count: 0, now: now)
    }

    private func take(_ key: String, count: Double, now: ContinuousClock.Instant) -> Duration? {
        guard policy.isEnabled else { return nil }
        let rate = Double(policy.perMinute) / 60
        let burst = Double(policy.burst)
        return buckets.withLock { buckets in
            if buckets.count >= maxKeys { Self.dropFull(&buckets, rate: rate, burst: burst, now: now) }
            var bucket = buckets[key] ?? Bucket(tokens: burst, updated: now)
            bucket.tokens = min(burst, bucket.tokens + rate * (now - bucket.updated).seconds)
            bucket.updated = now
            defer { buckets[key] = bucket }
            guard bucket.tokens >= 1 else { return .seconds((1 - bucket.tokens) / rate) }
            bucket.tokens -= count
            return nil
        }
    }

    /// Buckets that have refilled completely carry no state worth keeping.
    private static func dropFull(_ buckets: inout [String: Bucket], rate: Double, burst: Double, now: ContinuousClock.Instant) {
        buckets = buckets.filter { $0.value.tokens + rate * (now - $0.value.updated).seconds < burst }
    }
}

/// Thrown when a client has used up its rate; answered 429 with `Retry-After`.
struct RateLimitExceeded: Error {
    let retryAfter: Duration
    let scope: String

    var retryAfterSeconds: Int { max(1, Int((retryAfter.seconds).rounded(.up))) }
}
