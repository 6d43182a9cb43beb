import Foundation

/// A header value the transport carries: AMQP tables hold more kinds, but the platform only
/// writes strings and integers and only reads those back.
public enum HeaderValue: Sendable, Hashable {
    case string(String)
    case int(Int64)

    public var string: String? { if case .string(let value) = self { value } else { nil } }
    public var int: Int64? { if case .int(let value) = self { value } else { nil } }
}

/// The AMQP basic properties the platform uses.
public struct MessageProperties: Sendable, Hashable {
    public var contentType: String?
    public var messageID: String?
    public var correlationID: String?
    public var replyTo: String?
    public var type: String?
    /// Seconds since the epoch (AMQP timestamps have one-second resolution).
    public var timestamp: Int64?
    /// Per-message TTL in milliseconds; the broker drops the message once it has waited that long.
    public var expirationMilliseconds: Int?
    /// Delivery mode 2: the broker writes the message to disk before confirming it.
    public var persistent: Bool
    public var headers: [String: HeaderValue]

    public init(
        contentType: String? = nil, messageID: String? = nil, correlationID: String? = nil,
        replyTo: String? = nil, type: String? = nil, timestamp: Int64? = nil,
        expirationMilliseconds: Int? = nil, persistent: Bool = false, headers: [String: HeaderValue] = [:]
    ) {
        self.contentType = contentType
        self.messageID = messageID
        self.correlationID = correlationID
        self.replyTo = replyTo
        self.type = type
        self.timestamp = timestamp
        self.expirationMilliseconds = expirationMilliseconds
        self.persistent = persistent
        self.headers = headers
    }
}

/// A message to publish.
public struct OutgoingMessage: Sendable, Equatable {
    public var exchange: String
    public var routingKey: String
    public var body: Data
    public var properties: MessageProperties

    public init(exchange: String, routingKey: String, body: Data, properties: MessageProperties) {
        self.exchange = exchange
        self.routingKey = routingKey
        self.body = body
        self.properties = properties
    }
}

/// A message the broker delivered to one of our consumers.
public struct Delivery: Sendable {
    public let body: Data
    public let properties: MessageProperties
    public let exchange: String
    public let routingKey: String
    public let redelivered: Bool
    let deliveryTag: UInt64
    let channel: UInt16
    /// Which connection incarnation delivered it: a tag is meaningless on a later one.
    let generation: Int

    /// How many times the broker delivered this message before (quorum queues count it in
    /// `x-delivery-count`; classic queues only say whether it was redelivered).
    public var previousDeliveries: Int {
        if let count = properties.headers["x-delivery-count"]?.int { return Int(count) }
        return redelivered ? 1 : 0
    }
}
