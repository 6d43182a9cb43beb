import Foundation
import Logging
import Synchronization

/// Request/reply over the broker: requests go out on the publishing connection with a per-call
/// deadline that is also the message's TTL; replies come back on an exclusive queue of the
/// consuming connection, matched by the request's message id.
public final class RPCClient: Sendable {
    /// Header in which a reply names the request it answers.
    public static let inReplyToHeader = "x-in-reply-to"
    /// Header with the caller's deadline in milliseconds since the epoch, so a server can skip stale work.
    public static let deadlineHeader = "x-deadline"

    private struct Call {
        let reply: OneShot<Delivery>
        let deadline: ContinuousClock.Instant
        let routingKey: String
        let timeout: Duration
    }

    private struct State {
        var replyQueue: String?
        var pending: [String: Call] = [:]
        /// Whether a task is failing calls past their deadline; it runs only while calls wait.
        var sweeping = false
    }

    /// How often waiting calls are checked against their deadlines: one timer for all of them
    /// instead of one per call, which was a sizeable part of a call's cost.
    private static let sweepInterval = Duration.milliseconds(50)

    private let publisher: AMQPConnection
    private let consumer: AMQPConnection
    private let exchange: String
    private let state = Mutex(State())

    public init(publisher: AMQPConnection, consumer: AMQPConnection, exchange: String) {
        self.publisher = publisher
        self.consumer = consumer
        self.exchange = exchange
        consumer.observe { [weak self] event in
            if case .disconnected(let error) = event { self?.replyQueueLost(error) }
        }
        consumer.consume(ConsumerSpec(
            source: .exclusiveServerNamed, prefetch: 0, autoAck: true,
            onReady: { [weak self] queue in self?.state.withLock { $0.replyQueue = queue } },
            deliver: { [weak self] delivery in self?.received(delivery) }))
    }

    private func received(_ reply: Delivery) {
        guard let request = reply.properties.headers[Self.inReplyToHeader]?.string else { return }
        state.withLock { $0.pending.removeValue(forKey: request) }?.reply.fulfill(.success(reply))
    }

    /// Replies to a dead reply queue can never arrive: fail the callers now, not at their deadline.
    private func replyQueueLost(_ error: AMQPError) {
        let orphans = state.withLock { state in
            state.replyQueue = nil
            defer { state.pending = [:] }
            return state.pending.values
        }
        orphans.forEach { $0.reply.fulfill(.failure(AMQPError(.connectionLost, "reply queue lost: \(error.detail)"))) }
    }

    /// Whether replies can be received right now.
    public var isReady: Bool { state.withLock { $0.replyQueue != nil } }

    /// Sends a request and waits for its reply until `timeout`; throws `.rpcTimeout` after it,
    /// `.notConnected` at once when there is no broker.
    public func call(routingKey: String, body: Data, properties: MessageProperties, timeout: Duration) async throws -> Delivery {
        let messageID = properties.messageID ?? UUID().uuidString
        let slot = OneShot<Delivery>()
        let call = Call(reply: slot, deadline: .now + timeout, routingKey: routingKey, timeout: timeout)
        guard let (replyQueue, startSweeping) = state.withLock({ state -> (String, Bool)? in
            guard let queue = state.replyQueue else { return nil }
            state.pending[messageID] = call
            defer { state.sweeping = true }
            return (queue, !state.sweeping)
        }) else {
            throw AMQPError(.notConnected, "no broker connection for replies")
        }
        defer { _ = state.withLock { $0.pending.removeValue(forKey: messageID) } }
        if startSweeping { Task { await self.failExpiredCalls() } }

        var properties = properties
        properties.messageID = messageID
        properties.replyTo = replyQueue
        let milliseconds = max(1, Int(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000))
        properties.expirationMilliseconds = milliseconds
        properties.headers[Self.deadlineHeader] = .int(Int64(Date().timeIntervalSince1970 * 1000) + Int64(milliseconds))
        publisher.send(OutgoingMessage(exchange: exchange, routingKey: routingKey, body: body, properties: properties)) { error in
            if let error { slot.fulfill(.failure(error)) }
        }
        return try await withTaskCancellationHandler {
            try await slot.value()
        } onCancel: {
            slot.fulfill(.failure(CancellationError()))
        }
    }

    /// Fails every call past its deadline, until no call waits.
    private func failExpiredCalls() async {
        while true {
            let now = ContinuousClock.now
            let (expired, waiting) = state.withLock { state -> ([Call], Bool) in
                let expired = state.pending.filter { $0.value.deadline <= now }
                for id in expired.keys { state.pending[id] = nil }
                state.sweeping = !state.pending.isEmpty
                return (Array(expired.values), state.sweeping)
            }
            for call in expired {
                call.reply.fulfill(.failure(AMQPError(.rpcTimeout, "\(call.routingKey) got no reply within \(call.timeout)")))
            }
            guard waiting else { return }
            try? await Task.sleep(for: Self.sweepInterval)
        }
    }
}
