/// What a connection should consume, re-established after every reconnect.
public struct ConsumerSpec: Sendable {
    public enum Source: Sendable {
        /// A queue from the topology.
        case queue(String)
        /// A broker-named, exclusive, auto-deleted queue (e.g. RPC replies): a new one after every reconnect.
        case exclusiveServerNamed
        /// The same, bound to `exchange` with each routing key: a copy of those messages for this
        /// process alone (e.g. every gateway replica hears every session revocation).
        case exclusiveBound(exchange: String, routingKeys: [String])
    }

    public var source: Source
    /// Unacknowledged deliveries the broker may hand this consumer at once (0 = unlimited).
    public var prefetch: UInt16
    /// The broker forgets a message once sent; for replies that nobody could redeliver anyway.
    public var autoAck: Bool
    /// Called on the connection's thread when the consumer is (re)attached, with the queue's name.
    public var onReady: @Sendable (_ queue: String) -> Void
    /// Called on the connection's thread for every delivery; must not block.
    public var deliver: @Sendable (Delivery) -> Void

    public init(
        source: Source, prefetch: UInt16, autoAck: Bool = false,
        onReady: @escaping @Sendable (_ queue: String) -> Void = { _ in },
        deliver: @escaping @Sendable (Delivery) -> Void
    ) {
        self.source = source
        self.prefetch = prefetch
        self.autoAck = autoAck
        self.onReady = onReady
        self.deliver = deliver
    }
}

/// Names a consumer registered on a connection.
public struct ConsumerID: Sendable, Hashable {
    let value: Int
}

/// What a connection tells its observers.
public enum ConnectionEvent: Sendable {
    case connected
    case disconnected(AMQPError)
}

/// What a passive declare tells about a queue.
public struct QueueStatus: Sendable, Equatable {
    public var messages: Int
    public var consumers: Int
}
