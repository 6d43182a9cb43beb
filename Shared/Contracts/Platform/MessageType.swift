/// A versioned message name, `<service>.<name>.v<version>`: the AMQP `type` property and routing
/// key. Requests are imperative (`accounts.register.v1`), events past tense
/// (`accounts.account-registered.v1`).
public struct MessageType: Sendable, Hashable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let rawValue: String

    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }

    /// The service that owns the message: the part before the first dot.
    public var owner: ServiceName? {
        rawValue.split(separator: ".", maxSplits: 1).first.flatMap { ServiceName(rawValue: String($0)) }
    }

    /// Every service answers `<service>.ping.v1`.
    public static func ping(_ service: ServiceName) -> MessageType { MessageType("\(service.rawValue).ping.v1") }
}

/// A request with a typed reply, sent to the owning service's `<service>.rpc` queue.
public protocol RequestContract: Codable, Sendable {
    associatedtype Reply: Codable & Sendable
    static var type: MessageType { get }
    /// Who may send it: enforced by the RPC server, answered early by the gateway.
    static var access: Access { get }
}

/// A domain event, published on `expo.events` through the owner's outbox.
public protocol EventContract: Codable, Sendable {
    static var type: MessageType { get }
    /// Appended to the routing key (`<type>.<suffix>`) so a consumer can bind to part of the
    /// events of one type, e.g. one person's; nil for most events.
    var routingSuffix: String? { get }
    /// True for an event whose body holds a secret (a single-use link's token): the outbox deletes
    /// its row as soon as the broker confirmed it, so the database never keeps the secret.
    static var carriesSecret: Bool { get }
}

extension EventContract {
    public var routingSuffix: String? { nil }
    public static var carriesSecret: Bool { false }
}

/// A durable command from outside the platform (the marketing team's campaign trigger), published
/// on `expo.commands` to its owner's `<service>.commands` quorum queue: no reply, never lost to a
/// restart, dead-lettered with a reason when it cannot be carried out.
public protocol CommandContract: Codable, Sendable {
    static var type: MessageType { get }
}
