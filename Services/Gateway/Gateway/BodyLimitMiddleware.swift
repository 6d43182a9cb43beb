import Contracts
import Hummingbird

/// The request body's framing and size: a transfer coding other than `chunked` is 501 (RFC 9112
/// §6.1), a body over the limit is 413 before it is read when the client announces its size, and
/// while it is read otherwise (`collect(upTo:)` in the handlers; `ProblemMiddleware` answers a
/// chunked body that runs over, or a malformed chunk, as 413 or 400).
struct BodyLimitMiddleware: RouterMiddleware {
    typealias Context = GatewayContext

    let maxBytes: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let codings = request.headers[.transferEncoding], codings.trimmingCharacters(in: .whitespaces).lowercased() != "chunked" {
            throw Problem(status: 501, code: .transferCodingNotImplemented, title: "Transfer coding not implemented",
                          detail: "only chunked is accepted, or a Content-Length")
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBytes {
            throw Problem.bodyTooLarge(maxBytes)
        }
        return try await next(request, context)
    }
}

extension Problem {
    static func bodyTooLarge(_ maxBytes: Int?) -> Problem {
        Problem(status: 413, code: .bodyTooLarge, title: "The request body is too large",
                detail: maxBytes.map { "at most \($0) bytes are accepted" } ?? "the body is larger than the gateway accepts")
    }
}
