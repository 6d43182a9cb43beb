import Contracts
import Hummingbird

/// Refuses bodies over the limit before reading them when the client announces the size, and
/// while reading them otherwise (`collect(upTo:)` in the handlers).
struct BodyLimitMiddleware: RouterMiddleware {
    typealias Context = GatewayContext

    let maxBytes: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBytes {
            throw Problem(status: 413, code: .bodyTooLarge, title: "The request body is too large",
                          detail: "at most \(maxBytes) bytes are accepted")
        }
        return try await next(request, context)
    }
}
