import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// One broker connection owned by a dedicated thread, usable from async Swift.
///
/// It connects in the background, re-declares its topology and re-attaches its consumers after
/// every reconnect, and fails operations fast while the broker is away instead of queueing them.
/// As a `Service` it runs until graceful shutdown, then closes the connection cleanly.
public final class AMQPConnection: Service, Sendable {
    public enum Role: Sendable, CustomStringConvertible {
        /// Publishes on a channel in confirm mode.
        case publisher
        /// Consumes; acks and rejects travel on the channel the delivery came on.
        case consumer

        public var description: String { self == .publisher ? "publisher" : "consumer" }
    }

    private struct State {
        var started = false
        var finished = false
        var connected = false
        var nextConsumerID = 1
        var observers: [@Sendable (ConnectionEvent) -> Void] = []
        var finishWaiters: [CheckedContinuation<Void, Never>] = []
    }

    public let role: Role
    private let mailbox = Mailbox<ConnectionCore>()
    private let state = Mutex(State())
    private let makeCore: @Sendable (Mailbox<ConnectionCore>, @escaping @Sendable (ConnectionEvent) -> Void) -> ConnectionCore
    private let name: String

    public init(configuration: AMQPConfiguration, role: Role, topology: Topology = .empty, name: String, logger: Logger) {
        self.role = role
        self.name = name
        self.makeCore = { mailbox, notify in
            ConnectionCore(
                configuration: configuration, role: role, topology: topology, logger: logger, mailbox: mailbox,
                notify: notify)
        }
    }

    /// Whether the connection is up right now.
    public var isConnected: Bool { state.withLock { $0.connected } }

    /// `observer` hears every connect and disconnect, on the connection's thread; it must not block.
    public func observe(_ observer: @escaping @Sendable (ConnectionEvent) -> Void) {
        state.withLock { $0.observers.append(observer) }
    }

    /// Starts the owner thread; the connection is made in the background. Idempotent.
    public func start() {
        let first = state.withLock { state -> Bool in
            defer { state.started = true }
            return !state.started
        }
        guard first else { return }
        let thread = Thread { [self] in
            let core = makeCore(mailbox) { [weak self] event in self?.announce(event) }
            core.runLoop()
            finish()
        }
        thread.name = "amqp-\(name)-\(role)"
        thread.start()
    }

    public func run() async throws {
        start()
        try? await gracefulShutdown()
        await close()
    }

    /// Closes the connection and waits until its thread has ended.
    public func close() async {
        let alreadyFinished = state.withLock { state in state.finished || !state.started }
        guard !alreadyFinished else { return }
        _ = mailbox.send { $0.requestStop() }
        await withCheckedContinuation { continuation in
            let done = state.withLock { state -> Bool in
                if state.finished { return true }
                state.finishWaiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }

    /// Publishes `message`; with `confirm`, returns only once the broker has taken responsibility
    /// for it. Many publishes may be in flight at once: confirms are pipelined, not one round trip each.
    public func publish(_ message: OutgoingMessage, confirm: Bool) async throws {
        try await perform { core, continuation in core.publish(message, confirm: confirm, continuation: continuation) }
    }

    /// Publishes `message` without confirm and without waiting: `written` runs on the connection's
    /// thread once it went out (nil) or could not (the error). For requests and replies nobody
    /// confirms, this spares the caller the wake-up that resuming it would cost.
    public func send(_ message: OutgoingMessage, written: @escaping @Sendable (AMQPError?) -> Void) {
        if !mailbox.send({ core in core.publish(message, confirm: false, settle: written) }) {
            written(AMQPError(.shutdown, "connection closed"))
        }
    }

    /// Publishes `messages` in order with confirms, pipelined, and returns each one's outcome
    /// (nil: confirmed) once all are settled.
    public func publishBatch(_ messages: [OutgoingMessage]) async -> [AMQPError?] {
        guard !messages.isEmpty else { return [] }
        return await withCheckedContinuation { (continuation: CheckedContinuation<[AMQPError?], Never>) in
            let sent = mailbox.send { core in
                var outcomes = [AMQPError?](repeating: nil, count: messages.count)
                var remaining = messages.count
                for (index, message) in messages.enumerated() {
                    // Runs on the owner thread only, so the captured counters need no lock.
                    core.publish(message, confirm: true) { error in
                        outcomes[index] = error
                        remaining -= 1
                        if remaining == 0 { continuation.resume(returning: outcomes) }
                    }
                }
            }
            if !sent {
                continuation.resume(returning: messages.map { _ in AMQPError(.shutdown, "connection closed") })
            }
        }
    }

    /// How many messages wait in `queue` and how many consumers it has. The queue must exist: the
    /// broker answers a missing one by closing the channel, which costs a reconnect.
    public func status(of queue: String) async throws -> QueueStatus {
        try await perform { core, continuation in continuation.resume(with: core.inspect(queue)) }
    }

    /// Deletes `queue` with its messages (for tests and operators; the topology is declarative).
    public func delete(queue: String) async throws {
        try await perform { core, continuation in continuation.resume(with: core.delete(queue)) }
    }

    /// Removes every message waiting in `queue` (for tests, benchmarks and operators).
    public func purge(queue: String) async throws {
        try await perform { core, continuation in continuation.resume(with: core.purge(queue)) }
    }

    /// Acknowledges a delivery: the broker forgets the message.
    public func ack(_ delivery: Delivery) {
        _ = mailbox.send { $0.settle(delivery, acknowledge: true, requeue: false) }
    }

    /// Rejects a delivery: back to the queue with `requeue`, else to the queue's dead-letter exchange.
    public func reject(_ delivery: Delivery, requeue: Bool) {
        _ = mailbox.send { $0.settle(delivery, acknowledge: false, requeue: requeue) }
    }

    /// Starts consuming now if connected, and again after every reconnect.
    @discardableResult
    public func consume(_ spec: ConsumerSpec) -> ConsumerID {
        let id = state.withLock { state in
            defer { state.nextConsumerID += 1 }
            return state.nextConsumerID
        }
        _ = mailbox.send { $0.register(spec, id: id) }
        return ConsumerID(value: id)
    }

    /// Stops a consumer: the broker sends it nothing more; deliveries it holds may still be settled.
    public func cancel(_ consumer: ConsumerID) async {
        await onOwnerThread { $0.cancel(consumer.value) }
    }

    /// Cancels the consumer and closes its channel: deliveries it has not settled go back to the queue.
    public func release(_ consumer: ConsumerID) async {
        await onOwnerThread { $0.release(consumer.value) }
    }

    /// Binds an `exclusiveBound` consumer's queue to one more routing key (`bound`), or lets go of
    /// one such binding; a key stays bound while anyone who bound it has not let go, and across
    /// reconnects. Returns once the broker confirmed it, or at once while disconnected (the queue
    /// made after the reconnect has it, and `onReady` says when).
    public func bind(_ consumer: ConsumerID, routingKey: String, bound: Bool) async {
        await onOwnerThread { $0.bind(consumer.value, routingKey: routingKey, bound: bound) }
    }

    private func onOwnerThread(_ body: @escaping @Sendable (ConnectionCore) -> Void) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let sent = mailbox.send { core in
                body(core)
                continuation.resume()
            }
            if !sent { continuation.resume() }
        }
    }

    /// Runs `body` on the owner thread; it resumes the continuation when its work is done.
    private func perform<Value: Sendable>(
        _ body: @escaping @Sendable (ConnectionCore, CheckedContinuation<Value, any Error>) -> Void
    ) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            if !mailbox.send({ core in body(core, continuation) }) {
                continuation.resume(throwing: AMQPError(.shutdown, "connection closed"))
            }
        }
    }

    private func announce(_ event: ConnectionEvent) {
        let observers = state.withLock { state in
            if case .connected = event { state.connected = true } else { state.connected = false }
            return state.observers
        }
        observers.forEach { $0(event) }
    }

    private func finish() {
        let waiters = state.withLock { state in
            state.finished = true
            state.connected = false
            defer { state.finishWaiters = [] }
            return state.finishWaiters
        }
        waiters.forEach { $0.resume() }
    }
}
