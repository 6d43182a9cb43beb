import Synchronization

/// The handler tasks a `QueueConsumer` started (and the settling they leave behind), so it can
/// wait for them at shutdown and cancel them when it is itself cancelled. A task per delivery is
/// started straight from the connection's thread: one hand-over to the cooperative pool per
/// message instead of two (an async stream's consumer, then a child task).
final class InFlightTasks: Sendable {
    fileprivate struct State {
        var tasks: [Int: Task<Void, Never>] = [:]
        /// Work that outlives its task: a reply still being written, to be acknowledged after.
        var held = 0
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

    /// Keeps `drained` waiting for work that continues after its task ended; call the returned
    /// closure once, when that work is done.
    func hold() -> @Sendable () -> Void {
        state.withLock { $0.held += 1 }
        return { self.settle { $0.held -= 1 } }
    }

    private func finished(_ id: Int) {
        settle { $0.tasks[id] = nil }
    }

    private func settle(_ change: (inout State) -> Void) {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            change(&state)
            guard state.isIdle else { return [] }
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

    /// Returns once no task runs and nothing is held.
    func drained() async {
        await withCheckedContinuation { continuation in
            let idle = state.withLock { state -> Bool in
                if !state.isIdle { state.drainWaiters.append(continuation) }
                return state.isIdle
            }
            if idle { continuation.resume() }
        }
    }
}

extension InFlightTasks.State {
    var isIdle: Bool { tasks.isEmpty && held == 0 }
}
