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

    public init(messageID: UUID = UUID(), type: MessageType, correlationID: String?, traceparent: String?, occurredAt: Date = Date(), body: Data) {
        self.messageID = messageID
        self.type = type
        self.correlationID = correlationID
        self.traceparent = traceparent
        self.occurredAt = occurredAt
        self.body = body
    }

    public init<Event: EventContract>(_ event: Event, context: MessageContext) throws {
        self.init(
            type: Event.type, correlationID: context.correlationID, traceparent: context.traceparent,
            body: try MessageCodec.encode(event))
    }
}
