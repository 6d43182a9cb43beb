import Testing

/// Integration tests share one broker and one database, and some restart the broker: this trait
/// runs them one at a time (Swift Testing runs tests in parallel by default), while unit tests
/// keep running in parallel.
public struct IntegrationTrait: SuiteTrait, TestTrait, TestScoping {
    public var isRecursive: Bool { true }

    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        guard !IntegrationLock.held, !test.isSuite else { return try await function() }
        await IntegrationLock.shared.acquire()
        do {
            try await IntegrationLock.$held.withValue(true) { try await function() }
            await IntegrationLock.shared.release()
        } catch {
            await IntegrationLock.shared.release()
            throw error
        }
    }
}

extension Trait where Self == IntegrationTrait {
    /// Needs the real broker and database, alone.
    public static var integration: Self { IntegrationTrait() }
}

/// A FIFO lock for async code.
actor IntegrationLock {
    static let shared = IntegrationLock()
    @TaskLocal static var held = false

    private var locked = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func acquire() async {
        guard locked else {
            locked = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    func release() {
        if waiters.isEmpty { locked = false } else { waiters.removeFirst().resume() }
    }
}
