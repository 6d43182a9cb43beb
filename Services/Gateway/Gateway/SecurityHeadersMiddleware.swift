import HTTPTypes
import Hummingbird

/// Headers every answer carries, errors included: `X-Content-Type-Options: nosniff` (a browser
/// never second-guesses a JSON type); `Cache-Control: no-store` on what is answered to a bearer
/// token and on the sign-in answer that carries one, so no shared or browser cache keeps them;
/// `Content-Security-Policy` that lets an API answer load nothing;
/// `WWW-Authenticate: Bearer` on a 401, saying how to authenticate (RFC 6750 §3).
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = GatewayContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[Self.contentTypeOptions] = "nosniff"
        // The web app's own files carry their policy.
        if response.headers[Self.contentSecurityPolicy] == nil {
            response.headers[Self.contentSecurityPolicy] = Self.apiContentSecurityPolicy
        }
        if BrowserSession.offersSession(request) || Self.tokenPaths.contains(request.uri.path) {
            response.headers[.cacheControl] = "no-store"
        }
        if response.status == .unauthorized {
            response.headers[.wwwAuthenticate] = request.headers[.authorization] == nil ? "Bearer" : #"Bearer error="invalid_token""#
        }
        return response
    }

    static let contentSecurityPolicy = HTTPField.Name("Content-Security-Policy")!
    static let contentTypeOptions = HTTPField.Name("X-Content-Type-Options")!
    /// An API answer is never a page: nothing in it may load or be framed.
    static let apiContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'"

    /// Answers that hold a secret without the request holding one.
    static let tokenPaths: Set<String> = ["/v1/sessions"]
}
