import Contracts
import Hummingbird

/// Turns a bearer token into the actor it belongs to; nil when the token is unknown, expired or
/// revoked. The accounts service provides the real one.
public protocol TokenAuthenticator: Sendable {
    func actor(forToken token: String, context: GatewayContext) async throws -> Actor?
}

/// Until sessions exist no token is valid: every bearer token is refused with 401.
public struct NoSessionsAuthenticator: TokenAuthenticator {
    public init() {}
    public func actor(forToken token: String, context: GatewayContext) async throws -> Actor? { nil }
}

/// Authenticates requests that carry `Authorization: Bearer ...`, or the web app's session cookie
/// (`BrowserSession`, with its CSRF check); a bad token is a 401 even on endpoints that would also
/// serve anonymous callers, so clients notice an expired session. A refused cookie is cleared.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = GatewayContext

    let authenticator: any TokenAuthenticator

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let token = BrowserSession.token(in: request) {
            try BrowserSession.checkCSRF(request)
            let signedIn: Context
            do {
                signedIn = try await authenticated(token, context)
            } catch let problem as Problem where problem.status == 401 {
                var response = ProblemMiddleware.response(problem, instance: request.uri.path)
                BrowserSession.clear(&response)
                return response
            }
            return try await next(request, signedIn)
        }
        guard let authorization = request.headers[.authorization] else { return try await next(request, context) }
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer", !parts[1].isEmpty, parts[1].count <= 512 else {
            throw Problem.unauthorized("the Authorization header must be 'Bearer <token>'")
        }
        return try await next(request, try await authenticated(String(parts[1]), context))
    }

    private func authenticated(_ token: String, _ context: Context) async throws -> Context {
        guard token.count <= 512, let actor = try await authenticator.actor(forToken: token, context: context) else {
            throw Problem.unauthorized("the token is invalid, expired or revoked")
        }
        var context = context
        context.actor = actor
        context.logger[metadataKey: "account_id"] = "\(actor.accountID)"
        return context
    }
}
