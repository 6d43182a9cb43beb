import Contracts
import Hummingbird

/// The router answers 404 for a known path with an unknown method; a path the API documents
/// answers 405 with `Allow` instead, so clients learn that only the method is wrong.
struct MethodNotAllowedMiddleware: RouterMiddleware {
    typealias Context = GatewayContext

    let document: OpenAPIDocument

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            guard let allowed = document.methods(for: request.uri.path), !allowed.contains(request.method.rawValue) else { throw error }
            throw MethodNotAllowed(allowed: allowed.sorted())
        }
    }
}

/// Answered 405 with the methods the path has in `Allow`.
struct MethodNotAllowed: Error {
    let allowed: [String]
}
