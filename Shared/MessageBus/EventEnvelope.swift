import Foundation
import Contracts

/// An event ready to publish: what the outbox stores and the relay sends.
public struct EventEnvelope: Sendable, Equatable {
    public var messageID: UUID
    public var type: MessageType
    public var correlationID: String?
    public var traceparent: String?
    public var occurredAt: Date
    public var body: Data
    /// Appended to the routing key after the type (`EventContract.routingSuffix`).
    public var routingSuffix: String?

    public init(
        messageID: UUID = UUID(), type: MessageType, correlationID: String?, traceparent: String?, occurredAt: Date = Date(), body: Data,
        routingSuffix: String? = nil
    ) {
        self.messageID = messageID
        self.type = type
        self.routingSuffix = routingSuffix
        self.correlationID = correlationID
        self.traceparent = traceparent
        self.occurredAt = occurredAt
        self.body = body
    }

    public init<Event: EventContract>(_ event: Event, context: MessageContext) throws {
        self.init(
            type: Event.type, correlationID: context.correlationID, traceparent: context.traceparent,
            body: try MessageCodec.encode(event), routingSuffix: event.routingSuffix)
    }

    /// The routing key it is published with: its type, then its suffix if it has one.
    public var routingKey: String { routingSuffix.map { "\(type.rawValue).\($0)" } ?? type.rawValue }
}
