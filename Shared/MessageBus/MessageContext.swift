import Contracts
import Foundation

/// What travels with a request across hops: who acts, which request it belongs to, its trace.
public struct MessageContext: Sendable {
    public var correlationID: String
    public var actor: Actor?
    public var traceparent: String?
    public var idempotencyKey: String?

    public init(correlationID: String = UUID().uuidString, actor: Actor? = nil, traceparent: String? = nil, idempotencyKey: String? = nil) {
        self.correlationID = correlationID
        self.actor = actor
        self.traceparent = traceparent
        self.idempotencyKey = idempotencyKey
    }

    public init(_ message: IncomingMessage) {
        self.init(
            correlationID: message.correlationID, actor: message.actor, traceparent: message.traceparent,
            idempotencyKey: message.idempotencyKey)
    }
}
