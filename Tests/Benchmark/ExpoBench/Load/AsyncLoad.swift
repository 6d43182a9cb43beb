import Foundation

/// The same load shapes as `HTTPLoad`, for an async operation (an RPC over the transport).
/// `operation(i)` answers whether the i-th call succeeded.
enum AsyncLoad {
    typealias Operation = @Sendable (Int) async -> Bool

    static func run(_ shape: LoadShape, duration: Duration, callers: Int, operation: @escaping Operation) async -> LoadResult {
        switch shape {
        case .fixedRate(let rate): await fixedRate(rate, duration: duration, operation: operation)
        case .closedLoop: await closedLoop(callers: callers, duration: duration, operation: operation)
        }
    }

    /// Each call starts when it is due, whether earlier ones have finished or not.
    static func fixedRate(_ rate: Double, duration: Duration, operation: @escaping Operation) async -> LoadResult {
        let clock = ContinuousClock()
        let shared = SharedLoadResult()
        let start = clock.now
        let total = Int(rate * duration.secondsValue)
        await withDiscardingTaskGroup { group in
            for index in 0..<total {
                let due = start + .nanoseconds(Int64(Double(index) * 1e9 / rate))
                if due > clock.now { try? await Task.sleep(until: due, clock: clock) }
                group.addTask {
                    let ok = await operation(index)
                    shared.record(clock.now - due, ok: ok)
                }
            }
        }
        return shared.finish(seconds: duration.secondsValue)
    }

    /// `callers` callers, each starting its next call when its last one returned.
    static func closedLoop(callers: Int, duration: Duration, operation: @escaping Operation) async -> LoadResult {
        let clock = ContinuousClock()
        let shared = SharedLoadResult()
        let start = clock.now
        let end = start + duration
        await withDiscardingTaskGroup { group in
            for caller in 0..<callers {
                group.addTask {
                    var index = caller
                    while clock.now < end {
                        let began = clock.now
                        let ok = await operation(index)
                        shared.record(clock.now - began, ok: ok)
                        index += callers
                    }
                }
            }
        }
        return shared.finish(seconds: (clock.now - start).secondsValue)
    }

    /// `count` calls one after another: the latency of the path with nothing else in the way.
    static func sequential(count: Int, operation: Operation) async -> LoadResult {
        let clock = ContinuousClock()
        var result = LoadResult()
        let start = clock.now
        for index in 0..<count {
            let began = clock.now
            let ok = await operation(index)
            result.record(clock.now - began, ok: ok)
        }
        result.seconds = (clock.now - start).secondsValue
        return result
    }
}
