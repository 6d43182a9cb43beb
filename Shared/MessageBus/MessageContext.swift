import Contracts
import Foundation

/// What travels with a request across hops: who acts, which request it belongs to, its trace.
public struct MessageContext: Sendable {
    public var correlationID: String
    public var actor: Actor?
    public var traceparent: String?
    public var idempotencyKey: String?
    /// An HTTP edit's `If-Match`, for the service that owns the resource to compare in the edit's transaction.
    public var ifMatch: String?

    public init(
        correlationID: String = UUID().uuidString, actor: Actor? = nil, traceparent: String? = nil, idempotencyKey: String? = nil,
        ifMatch: String? = nil
    ) {
        self.correlationID = correlationID
        self.actor = actor
        self.traceparent = traceparent
        self.idempotencyKey = idempotencyKey
        self.ifMatch = ifMatch
    }

    public init(_ message: IncomingMessage) {
        self.init(
            correlationID: message.correlationID, actor: message.actor, traceparent: message.traceparent,
            idempotencyKey: message.idempotencyKey)
    }
}
