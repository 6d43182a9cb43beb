import AMQPTransport
import Contracts
import Foundation
import Logging

/// What a request handler gets besides the request.
public struct RequestContext: Sendable {
    public let message: IncomingMessage
    public let logger: Logger
    public var context: MessageContext { MessageContext(message) }

    /// The signed-in caller. The RPC server has already refused requests whose `Access` needs one
    /// and came without it, so this throws only for requests open to anyone.
    public func caller() throws -> Actor {
        guard let actor = message.actor else { throw Problem.unauthorized("this request needs a signed-in user") }
        return actor
    }

    /// The company the signed-in caller acts for; staff, who belong to none, and people removed
    /// from theirs hold no company's data (403).
    public func callerCompany() throws -> (actor: Actor, companyID: UUID) {
        let actor = try caller()
        guard let companyID = actor.companyID else {
            throw Problem.forbidden("this account acts for no company (staff, or removed from its company)")
        }
        return (actor, companyID)
    }

    public init(message: IncomingMessage, logger: Logger) {
        self.message = message
        self.logger = logger
    }
}

/// The request handlers of one service, keyed by message type.
public struct RPCHandlers: Sendable {
    public typealias RawHandler = @Sendable (RequestContext) async throws -> Data

    private(set) var handlers: [MessageType: RawHandler] = [:]
    /// Turns an infrastructure failure a handler threw (e.g. no database) into the problem the
    /// caller gets, instead of a 500.
    public var translateError: @Sendable (any Error) -> Problem? = { _ in nil }

    public init() {}

    /// Registers the handler of a typed request; a thrown `Problem` becomes the reply. A caller
    /// the request's `Access` does not admit gets 401 or 403 before the body is even read.
    public mutating func register<Request: RequestContract>(
        _: Request.Type, _ handler: @escaping @Sendable (Request, RequestContext) async throws -> Request.Reply
    ) {
        register(Request.type) { context in
            if let refusal = Request.access.refusal(of: context.message.actor) { throw refusal }
            return try MessageCodec.encode(try await handler(try context.message.decode(Request.self), context))
        }
    }

    /// Registers a handler for `type` with a typed body and reply, for requests of the platform's
    /// own (not sent through the gateway), such as the data-rights operations every service answers.
    public mutating func register<Body: Decodable & Sendable, Reply: Encodable & Sendable>(
        _ type: MessageType, as _: Body.Type, _ handler: @escaping @Sendable (Body, RequestContext) async throws -> Reply
    ) {
        register(type) { context in try MessageCodec.encode(try await handler(try context.message.decode(Body.self), context)) }
    }

    /// Registers a handler for `type` working on raw bodies.
    public mutating func register(_ type: MessageType, _ handler: @escaping RawHandler) {
        precondition(handlers[type] == nil, "two handlers for \(type)")
        handlers[type] = handler
    }

    public var types: [MessageType] { Array(handlers.keys) }

    public func handler(for type: MessageType) -> RawHandler? { handlers[type] }
}
