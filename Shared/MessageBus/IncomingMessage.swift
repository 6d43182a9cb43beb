import AMQPTransport
import Contracts
import Foundation

/// A request or event as a handler sees it: its type, ids, actor and body.
public struct IncomingMessage: Sendable {
    public let type: MessageType
    public let messageID: String
    public let correlationID: String
    public let actor: Actor?
    public let traceparent: String?
    public let idempotencyKey: String?
    /// The versions of the resource an edit was made against (`MessageHeaders.ifMatch`).
    public let ifMatch: String?
    /// When the caller stops waiting for the reply (a request's `x-deadline`); work for it must not
    /// commit after that, or it could land after the caller's retry and overwrite later writes.
    public let deadline: Date?
    public let body: Data
    /// How many times the broker delivered it before this attempt.
    public let previousDeliveries: Int

    public init(
        type: MessageType, messageID: String = UUID().uuidString, correlationID: String? = nil, actor: Actor? = nil,
        traceparent: String? = nil, idempotencyKey: String? = nil, ifMatch: String? = nil, deadline: Date? = nil, body: Data,
        previousDeliveries: Int = 0
    ) {
        self.type = type
        self.messageID = messageID
        self.correlationID = correlationID ?? messageID
        self.actor = actor
        self.traceparent = traceparent
        self.idempotencyKey = idempotencyKey
        self.ifMatch = ifMatch
        self.deadline = deadline
        self.body = body
        self.previousDeliveries = previousDeliveries
    }

    /// The largest body a message may carry: the gateway's HTTP limit is 1 MiB, so anything larger
    /// did not come from a client's request and is refused before any decoding.
    public static let maxBodyBytes = 4 << 20

    /// Reads the platform's headers; a header that is present but unreadable is an error.
    public init(_ delivery: Delivery) throws(Problem) {
        guard let type = delivery.properties.type, !type.isEmpty else { throw Problem.badRequest("message has no type") }
        guard delivery.body.count <= Self.maxBodyBytes else {
            throw Problem.badRequest("the body has \(delivery.body.count) bytes; messages carry at most \(Self.maxBodyBytes)")
        }
        if let contentType = delivery.properties.contentType, contentType != MessageCodec.contentType {
            throw Problem.badRequest("content type must be \(MessageCodec.contentType), got \(contentType)")
        }
        self.type = MessageType(type)
        self.messageID = delivery.properties.messageID ?? UUID().uuidString
        self.correlationID = delivery.properties.correlationID ?? messageID
        let headers = delivery.properties.headers
        if let actor = headers[MessageHeaders.actor] {
            guard let json = actor.string, let decoded = try? MessageCodec.decode(Actor.self, from: Data(json.utf8))
            else { throw Problem.badRequest("x-actor header is not a valid actor") }
            self.actor = decoded
        } else {
            self.actor = nil
        }
        self.traceparent = headers[MessageHeaders.traceparent]?.string
        self.idempotencyKey = headers[MessageHeaders.idempotencyKey]?.string
        self.ifMatch = headers[MessageHeaders.ifMatch]?.string
        self.deadline = Self.deadline(of: delivery)
        self.body = delivery.body
        self.previousDeliveries = delivery.previousDeliveries
    }

    /// The caller's deadline carried by a request, if it has one.
    static func deadline(of delivery: Delivery) -> Date? {
        delivery.properties.headers[RPCClient.deadlineHeader]?.int.map { Date(timeIntervalSince1970: Double($0) / 1000) }
    }

    /// The body as `T`, or a 400 problem naming what is wrong with it.
    public func decode<T: Decodable>(_: T.Type) throws(Problem) -> T {
        do {
            return try MessageCodec.decode(T.self, from: body)
        } catch {
            throw Problem.badRequest("body of \(type) is not valid: \(Self.describe(error))")
        }
    }

    /// What is wrong with a body, naming the field but not the Swift types behind it.
    public static func describe(_ error: any Error) -> String {
        switch error as? DecodingError {
        case .keyNotFound(let key, let context)?:
            "missing field '\((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))'"
        case .typeMismatch(_, let context)?, .valueNotFound(_, let context)?:
            "wrong type at '\(context.codingPath.map(\.stringValue).joined(separator: "."))'"
        case .dataCorrupted(let context)?:
            context.codingPath.isEmpty ? "not valid JSON" : "invalid value at '\(context.codingPath.map(\.stringValue).joined(separator: "."))'"
        default:
            "it could not be read"
        }
    }
}
