import Synchronization

/// The handler tasks a `QueueConsumer` started, so it can wait for them at shutdown and cancel
/// them when it is itself cancelled. A task per delivery is started straight from the
/// connection's thread: one hand-over to the cooperative pool per message instead of two (an
/// async stream's consumer, then a child task).
final class InFlightTasks: Sendable {
    private struct State {
        var tasks: [Int: Task<Void, Never>] = [:]
        var nextID = 0
        var cancelled = false
        var stopped = false
        var stopWaiter: CheckedContinuation<Void, Never>?
        var drainWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    func start(_ body: @escaping @Sendable () async -> Void) {
        state.withLock { state in
            let id = state.nextID
            state.nextID += 1
            let task = Task {
                await body()
                self.finished(id)
            }
            state.tasks[id] = task
            if state.cancelled { task.cancel() }
        }
    }

    private func finished(_ id: Int) {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.tasks[id] = nil
            guard state.tasks.isEmpty else { return [] }
            defer { state.drainWaiters = [] }
            return state.drainWaiters
        }
        waiters.forEach { $0.resume() }
    }

    /// Returns once `stop` was called.
    func untilStopped() async {
        await withCheckedContinuation { continuation in
            let stopped = state.withLock { state -> Bool in
                if !state.stopped { state.stopWaiter = continuation }
                return state.stopped
            }
            if stopped { continuation.resume() }
        }
    }

    /// Ends `untilStopped`; with `cancelling`, the running tasks (and any started later) are cancelled.
    func stop(cancelling: Bool) {
        let (waiter, tasks) = state.withLock { state -> (CheckedContinuation<Void, Never>?, [Task<Void, Never>]) in
            state.stopped = true
            if cancelling { state.cancelled = true }
            defer { state.stopWaiter = nil }
            return (state.stopWaiter, cancelling ? Array(state.tasks.values) : [])
        }
        tasks.forEach { $0.cancel() }
        waiter?.resume()
    }

    /// Returns once no task runs.
    func drained() async {
        await withCheckedContinuation { continuation in
            let empty = state.withLock { state -> Bool in
                if !state.tasks.isEmpty { state.drainWaiters.append(continuation) }
                return state.tasks.isEmpty
            }
            if empty { continuation.resume() }
        }
    }
}
