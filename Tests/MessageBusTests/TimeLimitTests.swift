import AMQPTransport
import Contracts
import Foundation
import MessageBus
import Synchronization
import Testing
import TestSupport

/// An await that never resumes holds nobody for good: the work is abandoned at its limit.
@Suite struct TimeLimitTests {
    /// Work that waits for a continuation nobody resumes (until the test cleans up), ignoring cancellation.
    final class Stuck: Sendable {
        let waiters = Mutex<[CheckedContinuation<Void, Never>]>([])
        func wait() async { await withCheckedContinuation { continuation in waiters.withLock { $0.append(continuation) } } }
        func release() { for waiter in waiters.withLock({ state in defer { state = [] }; return state }) { waiter.resume() } }
    }

    @Test func workThatNeverAnswersIsAbandonedAtItsLimit() async throws {
        let stuck = Stuck()
        defer { stuck.release() }
        let started = ContinuousClock.now
        await #expect(throws: TimeLimitExceeded.self) { try await withTimeLimit(.milliseconds(200)) { await stuck.wait() } }
        #expect(ContinuousClock.now - started < .seconds(30), "the caller is free long before the work is")
        #expect(try await withTimeLimit(.seconds(30)) { 42 } == 42)
        struct Refused: Error {}
        await #expect(throws: Refused.self) { try await withTimeLimit(.seconds(30)) { throw Refused() } }
    }

    @Test func aStalledEventHandlerIsTriedAgainWithoutCountingTowardTheLimit() async {
        let stuck = Stuck()
        defer { stuck.release() }
        let attempts = Atomic<Int>(0)
        var handlers = EventHandlers()
        handlers.register(MessageType("test.stalls-once.v1")) { _, _ in
            if attempts.add(1, ordering: .relaxed).newValue == 1 { await stuck.wait() }
        }
        let outcome = await EventConsumer.handle(
            IncomingMessage(type: "test.stalls-once.v1", body: Data("{}".utf8)), handlers: handlers, deliveryLimit: 1,
            stallLimit: .milliseconds(200), logger: TestEnvironment.logger("events"))
        #expect(outcome == .ack, "the second attempt went through, and the stall did not use up the one delivery")
        #expect(attempts.load(ordering: .relaxed) == 2)
    }
}
