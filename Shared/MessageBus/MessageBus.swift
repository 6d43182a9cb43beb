import AMQPTransport
import Contracts
import Foundation
import Logging
import ServiceLifecycle

/// A process's link to the broker: one publishing and one consuming connection (each on its own
/// thread), the platform topology, and typed request/reply and event publishing on top.
public final class MessageBus: Sendable {
    public let publisher: AMQPConnection
    public let consumer: AMQPConnection
    public let rpc: RPCClient
    public let instance: String

    public init(configuration: AMQPConfiguration, topology: Topology, instance: String, logger: Logger) {
        self.instance = instance
        publisher = AMQPConnection(configuration: configuration, role: .publisher, topology: topology, name: instance, logger: logger)
        consumer = AMQPConnection(configuration: configuration, role: .consumer, topology: topology, name: instance, logger: logger)
        rpc = RPCClient(publisher: publisher, consumer: consumer, exchange: PlatformTopology.rpcExchange)
    }

    /// The connections, to run in the process's `ServiceGroup` before anything that uses them.
    public var services: [any Service] { [publisher, consumer] }

    /// Both connections are up and replies can be received.
    public var isReady: Bool { publisher.isConnected && consumer.isConnected && rpc.isReady }

    /// Sends a typed request to its owning service and decodes the reply.
    /// Throws the service's `Problem` when it answered with one, `AMQPError` when the broker is
    /// away (`.notConnected`) or the deadline passed (`.rpcTimeout`).
    public func call<Request: RequestContract>(_ request: Request, context: MessageContext, timeout: Duration) async throws -> Request.Reply {
        try await call(Request.type, body: MessageCodec.encode(request), context: context, timeout: timeout)
            .decode(Request.Reply.self)
    }

    /// Sends `body` as a request of `type` and returns the raw reply.
    public func call(_ type: MessageType, body: Data, context: MessageContext, timeout: Duration) async throws -> RPCReply {
        var headers: [String: HeaderValue] = [:]
        if let actor = context.actor { headers[MessageHeaders.actor] = .string(String(decoding: try MessageCodec.encode(actor), as: UTF8.self)) }
        if let traceparent = context.traceparent { headers[MessageHeaders.traceparent] = .string(traceparent) }
        if let key = context.idempotencyKey { headers[MessageHeaders.idempotencyKey] = .string(key) }
        if let ifMatch = context.ifMatch { headers[MessageHeaders.ifMatch] = .string(ifMatch) }
        let delivery = try await rpc.call(
            routingKey: type.rawValue, body: body,
            properties: MessageProperties(
                contentType: MessageCodec.contentType, messageID: UUID().uuidString, correlationID: context.correlationID,
                type: type.rawValue, timestamp: Int64(Date().timeIntervalSince1970), headers: headers),
            timeout: timeout)
        return RPCReply(delivery)
    }

    /// Publishes an event persistently on `expo.events` and returns once the broker confirmed it.
    public func publish(_ event: EventEnvelope) async throws {
        try await publisher.publish(Self.message(for: event), confirm: true)
    }

    /// Publishes events in order, confirms pipelined; returns each one's outcome (nil: confirmed).
    public func publish(_ events: [EventEnvelope]) async -> [AMQPError?] {
        await publisher.publishBatch(events.map(Self.message(for:)))
    }

    static func message(for event: EventEnvelope) -> OutgoingMessage {
        var headers: [String: HeaderValue] = [:]
        if let traceparent = event.traceparent { headers[MessageHeaders.traceparent] = .string(traceparent) }
        return OutgoingMessage(
            exchange: PlatformTopology.eventsExchange, routingKey: event.routingKey, body: event.body,
            properties: MessageProperties(
                contentType: MessageCodec.contentType, messageID: event.messageID.uuidString.lowercased(),
                correlationID: event.correlationID, type: event.type.rawValue,
                timestamp: Int64(event.occurredAt.timeIntervalSince1970), persistent: true, headers: headers))
    }
}

/// A reply as received: either the answer or the service's problem.
public struct RPCReply: Sendable {
    public let body: Data
    public let isProblem: Bool

    init(_ delivery: Delivery) {
        body = delivery.body
        isProblem = delivery.properties.headers[MessageHeaders.outcome]?.string == "problem"
    }

    /// The reply as `T`; throws the `Problem` when the service answered with one.
    public func decode<T: Decodable>(_: T.Type) throws -> T {
        if isProblem {
            throw (try? MessageCodec.decode(Problem.self, from: body)) ?? Problem.internalError("unreadable problem reply")
        }
        return try MessageCodec.decode(T.self, from: body)
    }
}
