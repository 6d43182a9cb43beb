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

/// Authenticates requests that carry `Authorization: Bearer ...`; a bad token is a 401 even on
/// endpoints that would also serve anonymous callers, so clients notice an expired session.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = GatewayContext

    let authenticator: any TokenAuthenticator

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let authorization = request.headers[.authorization] else { return try await next(request, context) }
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer", !parts[1].isEmpty, parts[1].count <= 512 else {
            throw Problem.unauthorized("the Authorization header must be 'Bearer <token>'")
        }
        guard let actor = try await authenticator.actor(forToken: String(parts[1]), context: context) else {
            throw Problem.unauthorized("the token is invalid, expired or revoked")
        }
        var context = context
        context.actor = actor
        context.logger[metadataKey: "account_id"] = "\(actor.accountID)"
        return try await next(request, context)
    }
}
