/// Exchanges, queues and bindings a connection declares every time it connects, so a broker that
/// lost its state (restart, new node) gets it back without anyone's help.
public struct Topology: Sendable {
    public struct Exchange: Sendable, Hashable {
        public enum Kind: String, Sendable { case direct, topic, fanout }
        public var name: String
        public var kind: Kind
        public init(name: String, kind: Kind) {
            self.name = name
            self.kind = kind
        }
    }

    public struct Queue: Sendable, Hashable {
        public enum Kind: Sendable, Hashable {
            /// Replicated, durable, with a broker-side delivery limit after which a message is dead-lettered.
            case quorum(deliveryLimit: Int)
            /// Durable classic queue: lower latency, used for requests whose messages are transient anyway.
            case classic
        }
        public var name: String
        public var kind: Kind
        /// Where rejected or expired messages go: (exchange, routing key).
        public var deadLetter: (exchange: String, routingKey: String)?

        public init(name: String, kind: Kind, deadLetter: (exchange: String, routingKey: String)? = nil) {
            self.name = name
            self.kind = kind
            self.deadLetter = deadLetter
        }

        public static func == (lhs: Self, rhs: Self) -> Bool {
            lhs.name == rhs.name && lhs.kind == rhs.kind && lhs.deadLetter?.exchange == rhs.deadLetter?.exchange
                && lhs.deadLetter?.routingKey == rhs.deadLetter?.routingKey
        }

        public func hash(into hasher: inout Hasher) { hasher.combine(name) }
    }

    public struct Binding: Sendable, Hashable {
        public var queue: String
        public var exchange: String
        public var routingKey: String
        public init(queue: String, exchange: String, routingKey: String) {
            self.queue = queue
            self.exchange = exchange
            self.routingKey = routingKey
        }
    }

    public var exchanges: [Exchange]
    public var queues: [Queue]
    public var bindings: [Binding]

    public init(exchanges: [Exchange] = [], queues: [Queue] = [], bindings: [Binding] = []) {
        self.exchanges = exchanges
        self.queues = queues
        self.bindings = bindings
    }

    public static let empty = Topology()
}
