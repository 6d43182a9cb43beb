import Hummingbird

/// Lets browser frontends on the configured origins call the API (`EXPO_CORS_ORIGINS`).
struct CORSPolicy: RouterMiddleware {
    typealias Context = GatewayContext

    let origins: [String]
    private let allowHeaders = "Accept, Authorization, Content-Type, Idempotency-Key, If-Match, X-Request-Id, traceparent"
    private let allowMethods = "GET, POST, PUT, PATCH, DELETE, OPTIONS"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let origin = request.headers[.origin], let allowed = allowedOrigin(origin) else {
            return try await next(request, context)
        }
        var response: Response
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            response = Response(status: .noContent)
            response.headers[.accessControlAllowHeaders] = allowHeaders
            response.headers[.accessControlAllowMethods] = allowMethods
            response.headers[.accessControlMaxAge] = "600"
        } else {
            response = try await next(request, context)
        }
        response.headers[.accessControlAllowOrigin] = allowed
        response.headers[.accessControlExposeHeaders] = "X-Request-Id, Retry-After, ETag"
        if allowed != "*" { response.headers[.vary] = "Origin" }
        return response
    }

    private func allowedOrigin(_ origin: String) -> String? {
        if origins.contains("*") { return "*" }
        return origins.contains(origin) ? origin : nil
    }
}
