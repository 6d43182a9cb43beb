import AMQPTransport
import Contracts

/// The platform's exchanges, queues and bindings, declared in this one place and computed from
/// the services' manifests.
///
/// - `expo.rpc` (direct): each request type is bound to its owner's `<service>.rpc` queue, which the
///   service's replicas share. Classic queues: requests are transient and carry a TTL.
/// - `expo.events` (topic): each subscribed event type is bound to the subscriber's
///   `<service>.events` quorum queue (durable, replicated, delivery-limited).
/// - `expo.commands` (direct): each command type is bound to its owner's `<service>.commands`
///   quorum queue, for senders outside the platform (persistent, delivery-limited).
/// - `expo.dlx` (direct): every queue dead-letters into `<queue>.dlq`.
public enum PlatformTopology {
    public static let rpcExchange = "expo.rpc"
    public static let eventsExchange = "expo.events"
    public static let commandsExchange = "expo.commands"
    public static let deadLetterExchange = "expo.dlx"
    /// Deliveries of one event before it is parked in the DLQ.
    public static let eventDeliveryLimit = 5

    public static func rpcQueue(_ service: ServiceName) -> String { "\(service.rawValue).rpc" }
    public static func eventQueue(_ service: ServiceName) -> String { "\(service.rawValue).events" }
    public static func commandQueue(_ service: ServiceName) -> String { "\(service.rawValue).commands" }
    public static func deadLetterQueue(_ queue: String) -> String { "\(queue).dlq" }

    /// The whole topology for the given subscriptions (defaults to the platform's own).
    public static func make(subscriptions: [ServiceName: [MessageType]] = ServiceManifest.subscriptions) -> Topology {
        var topology = Topology(exchanges: [
            .init(name: rpcExchange, kind: .direct),
            .init(name: eventsExchange, kind: .topic),
            .init(name: commandsExchange, kind: .direct),
            .init(name: deadLetterExchange, kind: .direct),
        ])
        for service in ServiceName.backends {
            let queue = rpcQueue(service)
            topology.add(queue: queue, kind: .classic)
            for type in ServiceManifest.of(service).requestTypes {
                topology.bindings.append(.init(queue: queue, exchange: rpcExchange, routingKey: type.rawValue))
            }
        }
        for manifest in ServiceManifest.all where !manifest.commands.isEmpty {
            let queue = commandQueue(manifest.service)
            topology.add(queue: queue, kind: .quorum(deliveryLimit: eventDeliveryLimit))
            for type in manifest.commandTypes {
                topology.bindings.append(.init(queue: queue, exchange: commandsExchange, routingKey: type.rawValue))
            }
        }
        for (service, events) in subscriptions.sorted(by: { $0.key.rawValue < $1.key.rawValue }) where !events.isEmpty {
            let queue = eventQueue(service)
            topology.add(queue: queue, kind: .quorum(deliveryLimit: eventDeliveryLimit))
            for type in events {
                topology.bindings.append(.init(queue: queue, exchange: eventsExchange, routingKey: type.rawValue))
            }
        }
        return topology
    }
}

extension Topology {
    /// Adds `queue` and its dead-letter queue, bound to the dead-letter exchange.
    public mutating func add(queue: String, kind: Queue.Kind) {
        let deadLetters = PlatformTopology.deadLetterQueue(queue)
        queues.append(.init(name: queue, kind: kind, deadLetter: (PlatformTopology.deadLetterExchange, queue)))
        queues.append(.init(name: deadLetters, kind: .quorum(deliveryLimit: 1_000)))
        bindings.append(.init(queue: deadLetters, exchange: PlatformTopology.deadLetterExchange, routingKey: queue))
    }
}
