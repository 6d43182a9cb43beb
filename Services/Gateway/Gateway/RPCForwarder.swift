import Contracts
import Foundation
import Hummingbird
import MessageBus

/// Translates an HTTP request into a request message to the owning service and its reply back
/// into HTTP, within the gateway's deadline.
public struct RPCForwarder: Sendable {
    let bus: MessageBus
    let timeout: Duration
    let maxBodyBytes: Int

    /// The message context of an HTTP request: its id, trace, actor and idempotency key.
    func messageContext(_ request: Request, _ context: GatewayContext) -> MessageContext {
        MessageContext(
            correlationID: context.requestID, actor: context.actor, traceparent: context.traceparent,
            idempotencyKey: request.headers[.init("Idempotency-Key")!])
    }

    /// Sends `body` as a `type` request and answers with the service's reply as JSON with `status`,
    /// or with its problem.
    func forward(_ type: MessageType, body: Data, request: Request, context: GatewayContext, status: HTTPResponse.Status = .ok) async throws -> Response {
        let reply = try await bus.call(type, body: body, context: messageContext(request, context), timeout: timeout)
        if reply.isProblem {
            throw (try? MessageCodec.decode(Problem.self, from: reply.body)) ?? Problem.internalError("unreadable reply")
        }
        var response = Response(
            status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: reply.body)))
        if let instance = reply.instance { response.headers[.init("X-Served-By")!] = instance }
        return response
    }

    /// The request's JSON body, refused with 413 beyond the limit and 400 if it is not UTF-8 JSON.
    func jsonBody(_ request: Request) async throws -> Data {
        let buffer = try await request.body.collect(upTo: maxBodyBytes)
        let data = Data(buffer: buffer)
        guard (try? JSONSerialization.jsonObject(with: data)) != nil else {
            throw Problem.badRequest("the body must be a JSON document in UTF-8")
        }
        return data
    }
}
