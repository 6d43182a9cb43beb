import Contracts
import Foundation
import Hummingbird
import MessageBus
import ServiceRuntime

/// Translates an HTTP request into a request message to the owning service and its reply back
/// into HTTP, within the gateway's deadline.
public struct RPCForwarder: Sendable {
    let bus: MessageBus
    let timeout: Duration
    let maxBodyBytes: Int

    /// The message context of an HTTP request: its id, trace, actor, (unless the route must not
    /// replay replies) idempotency key, and `If-Match`, which the owning service compares.
    func messageContext(_ request: Request, _ context: GatewayContext, idempotent: Bool) throws -> MessageContext {
        let ifMatch = request.headers[.ifMatch]
        if let ifMatch, !EntityTag.isList(ifMatch) {
            throw Problem(status: 400, code: .invalidIfMatch, title: "The request is malformed",
                          detail: "If-Match must be * or a comma-separated list of quoted entity tags, such as the ETag of a read")
        }
        return MessageContext(
            correlationID: context.requestID, actor: context.actor, traceparent: context.traceparent,
            idempotencyKey: idempotent ? request.headers[.init("Idempotency-Key")!] : nil, ifMatch: ifMatch)
    }

    /// Sends a typed request and answers with the service's reply with `status`, or its problem.
    /// A caller the request's `Access` refuses gets the service's 401 or 403 here, without the hop.
    func forward<Message: RequestContract>(
        _ message: Message, request: Request, context: GatewayContext, status: HTTPResponse.Status = .ok, idempotent: Bool = true
    ) async throws -> Response {
        try admit(Message.self, context)
        return try await forward(Message.type, body: MessageCodec.encode(message), request: request, context: context, status: status, idempotent: idempotent)
    }

    /// Refuses a caller that `Message`'s declared access does not admit, as the service would.
    func admit<Message: RequestContract>(_: Message.Type, _ context: GatewayContext) throws {
        if let refusal = Message.access.refusal(of: context.actor) { throw refusal }
    }

    /// Sends `body` as a `type` request and answers with the service's reply as JSON with `status`
    /// (no body for 204), or with its problem. A resource read or edited (200) carries its
    /// `ETag`, for an edit's `If-Match`.
    func forward(
        _ type: MessageType, body: Data, request: Request, context: GatewayContext, status: HTTPResponse.Status = .ok,
        idempotent: Bool = true
    ) async throws -> Response {
        let reply = try await call(type, body: body, request: request, context: context, idempotent: idempotent)
        guard status != .noContent else { return Response(status: status) }
        var headers: HTTPFields = [.contentType: "application/json"]
        if status == .ok, [.get, .patch, .put].contains(request.method) { headers[.eTag] = EntityTag.of(reply.body) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: reply.body)))
    }

    /// Sends a typed request and decodes its reply, for routes whose answer depends on it.
    func call<Message: RequestContract>(
        _ message: Message, request: Request, context: GatewayContext, idempotent: Bool = true
    ) async throws -> Message.Reply {
        try admit(Message.self, context)
        let reply = try await call(Message.type, body: MessageCodec.encode(message), request: request, context: context, idempotent: idempotent)
        return try MessageCodec.decode(Message.Reply.self, from: reply.body)
    }

    /// The service's reply, or its problem thrown.
    private func call(_ type: MessageType, body: Data, request: Request, context: GatewayContext, idempotent: Bool) async throws -> RPCReply {
        let reply = try await bus.call(type, body: body, context: try messageContext(request, context, idempotent: idempotent), timeout: timeout)
        if reply.isProblem {
            throw (try? MessageCodec.decode(Problem.self, from: reply.body)) ?? Problem.internalError("unreadable reply")
        }
        return reply
    }

    /// The request's JSON body, refused with 415 under another media type, 413 beyond the limit
    /// and 400 if it is not strict UTF-8 JSON (`StrictJSON`).
    func jsonBody(_ request: Request) async throws -> Data {
        try Self.json(try await rawBody(request), request)
    }

    private func rawBody(_ request: Request) async throws -> Data {
        Data(buffer: try await request.body.collect(upTo: maxBodyBytes))
    }

    private static func json(_ data: Data, _ request: Request) throws -> Data {
        // A body is `application/json` or a `+json` type, with parameters or without; no type at all is not JSON
        // either. A missing body is the 400 below, whatever the type.
        let type = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        if !data.isEmpty, type != "application/json", !(type.hasPrefix("application/") && type.hasSuffix("+json")) {
            throw Problem(status: 415, code: .unsupportedMediaType, title: "Unsupported media type",
                          detail: "the body must be application/json")
        }
        do {
            try StrictJSON.validate(data)
        } catch let malformed as StrictJSON.Malformed {
            throw Problem.badRequest("the body must be one JSON document in UTF-8: it \(malformed)")
        }
        return data
    }

    /// The request's JSON body as `T`, or nil if it has none.
    func decodeIfPresent<T: Decodable>(_: T.Type, _ request: Request) async throws -> T? {
        let data = try await rawBody(request)
        return data.isEmpty ? nil : try MessageCodec.decode(T.self, from: try Self.json(data, request))
    }

    /// The request's JSON body as `T`: a field of the wrong type is a 400 that names it, here at
    /// the edge, so services only ever see well-formed requests.
    func decode<T: Decodable>(_: T.Type, _ request: Request) async throws -> T {
        try MessageCodec.decode(T.self, from: try await jsonBody(request))
    }
}

extension Problem.Code {
    static let invalidIfMatch = Problem.Code("invalid-if-match")
}
