import Contracts
import Hummingbird

extension Router where Context == GatewayContext {
    /// A route that sends one request type to its service: a caller the request's `Access`
    /// refuses gets 401 or 403 before anything of the request is read; otherwise `message` builds
    /// the request from the HTTP one and the service's reply is answered with `status`.
    @discardableResult
    func forward<Message: RequestContract>(
        _ method: HTTPRequest.Method, _ path: RouterPath, by forwarder: RPCForwarder, status: HTTPResponse.Status = .ok,
        _ message: @escaping @Sendable (Request, GatewayContext) async throws -> Message
    ) -> Self {
        on(path, method: method) { request, context in
            try forwarder.admit(Message.self, context)
            return try await forwarder.forward(try await message(request, context), request: request, context: context, status: status)
        }
    }
}
