import AMQPTransport

/// Work that did not finish within its time limit, and was abandoned.
public struct TimeLimitExceeded: Error, CustomStringConvertible {
    public let limit: Duration
    public var description: String { "did not finish within \(limit)" }
}

/// Runs `work` and returns what it returns, or throws `TimeLimitExceeded` once `limit` has passed.
///
/// The work runs in a task of its own, which is cancelled and abandoned, not awaited, when the limit
/// passes: an await that never resumes must not hold its caller, and with it a delivery, a
/// prefetch slot or the relay, for good. PostgresNIO never answers a statement sent on a
/// connection it has closed; `Database.transaction` no longer sends one (that was the hang after a
/// PostgreSQL crash), and this limit stays as the backstop for any await that never resumes.
/// Whatever abandoned work still does later must be safe to repeat, as every handler's is (inbox,
/// idempotency keys, deadlines).
public func withTimeLimit<T: Sendable>(_ limit: Duration, _ work: @escaping @Sendable () async throws -> T) async throws -> T {
    let answer = OneShot<T>()
    let worker = Task {
        do {
            answer.fulfill(.success(try await work()))
        } catch {
            answer.fulfill(.failure(error))
        }
    }
    let timer = Task {
        try await Task.sleep(for: limit)
        answer.fulfill(.failure(TimeLimitExceeded(limit: limit)))
        worker.cancel()
    }
    defer { timer.cancel() }
    return try await withTaskCancellationHandler {
        try await answer.value()
    } onCancel: {
        worker.cancel()
    }
}
