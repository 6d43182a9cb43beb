import Foundation
import Histogram
import Synchronization

/// What one measured run saw: latencies in microseconds, completions, errors and its length.
struct LoadResult: Sendable {
    var latency = Histogram<UInt64>(highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three)
    /// How late the load generator sent each request after it was due, microseconds: its own
    /// share of the latency (open loop only).
    var sendLag = Histogram<UInt64>(highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .two)
    var completed = 0
    var errors = 0
    var seconds = 0.0

    var throughput: Double { seconds > 0 ? Double(completed) / seconds : 0 }

    /// Latency at `percentile` in milliseconds.
    func milliseconds(_ percentile: Double) -> Double {
        latency.totalCount == 0 ? .nan : Double(latency.valueAtPercentile(percentile)) / 1000
    }

    mutating func record(_ elapsed: Duration, ok: Bool) {
        if ok {
            completed += 1
            _ = latency.record(UInt64(max(0, elapsed.microseconds)))
        } else {
            errors += 1
        }
    }
}

/// A `LoadResult` that concurrent tasks record into.
final class SharedLoadResult: Sendable {
    private let result = Mutex(LoadResult())

    func record(_ elapsed: Duration, ok: Bool) { result.withLock { $0.record(elapsed, ok: ok) } }

    func finish(seconds: Double) -> LoadResult {
        result.withLock { result in
            result.seconds = seconds
            return result
        }
    }
}

extension Duration {
    var microseconds: Int64 { components.seconds * 1_000_000 + components.attoseconds / 1_000_000_000_000 }
    var secondsValue: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
