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

    private struct State {
        var replyQueue: String?
        var pending: [String: OneShot<Delivery>] = [:]
    }

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
        state.withLock { $0.pending.removeValue(forKey: request) }?.fulfill(.success(reply))
    }

    /// Replies to a dead reply queue can never arrive: fail the callers now, not at their deadline.
    private func replyQueueLost(_ error: AMQPError) {
        let orphans = state.withLock { state in
            state.replyQueue = nil
            defer { state.pending = [:] }
            return state.pending.values
        }
        orphans.forEach { $0.fulfill(.failure(AMQPError(.connectionLost, "reply queue lost: \(error.detail)"))) }
    }

    /// Whether replies can be received right now.
    public var isReady: Bool { state.withLock { $0.replyQueue != nil } }

    /// Sends a request and waits for its reply until `timeout`; throws `.rpcTimeout` after it,
    /// `.notConnected` at once when there is no broker.
    public func call(routingKey: String, body: Data, properties: MessageProperties, timeout: Duration) async throws -> Delivery {
        let messageID = properties.messageID ?? UUID().uuidString
        let slot = OneShot<Delivery>()
        guard let replyQueue = state.withLock({ state -> String? in
            guard let queue = state.replyQueue else { return nil }
            state.pending[messageID] = slot
            return queue
        }) else {
            throw AMQPError(.notConnected, "no broker connection for replies")
        }
        defer { _ = state.withLock { $0.pending.removeValue(forKey: messageID) } }

        var properties = properties
        properties.messageID = messageID
        properties.replyTo = replyQueue
        let milliseconds = max(1, Int(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000))
        properties.expirationMilliseconds = milliseconds
        properties.headers[Self.deadlineHeader] = .int(Int64(Date().timeIntervalSince1970 * 1000) + Int64(milliseconds))
        try await publisher.publish(
            OutgoingMessage(exchange: exchange, routingKey: routingKey, body: body, properties: properties), confirm: false)

        let timer = Task {
            try await Task.sleep(for: timeout)
            slot.fulfill(.failure(AMQPError(.rpcTimeout, "\(routingKey) got no reply within \(timeout)")))
        }
        defer { timer.cancel() }
        return try await withTaskCancellationHandler {
            try await slot.value()
        } onCancel: {
            slot.fulfill(.failure(CancellationError()))
        }
    }
}
