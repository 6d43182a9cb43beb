import Hummingbird

/// Per-IP limits before authentication (a stricter one on sign-in and registration, where
/// guessing happens), and a per-account limit after it.
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = GatewayContext

    enum Stage { case client, account }

    let stage: Stage
    let limits: GatewayLimits

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        switch stage {
        case .client:
            let ip = context.remoteAddress?.ipAddress ?? "unknown"
            if let wait = limits.perIP.take(ip) { throw RateLimitExceeded(retryAfter: wait, scope: "client") }
            if request.method == .post, Self.guardedPaths.contains(request.uri.path), let wait = limits.signInPerIP.take(ip) {
                throw RateLimitExceeded(retryAfter: wait, scope: "sign-in")
            }
        case .account:
            if let actor = context.actor, let wait = limits.perAccount.take(actor.accountID.uuidString) {
                throw RateLimitExceeded(retryAfter: wait, scope: "account")
            }
        }
        return try await next(request, context)
    }

    /// Where passwords are tried: sign-in and registration.
    static let guardedPaths: Set<String> = ["/v1/sessions", "/v1/accounts", "/v1/password-resets"]
}

/// The gateway's rate limits (`EXPO_RATE_LIMIT_PER_MINUTE`, `EXPO_SIGN_IN_RATE_LIMIT_PER_MINUTE`,
/// `EXPO_ACCOUNT_RATE_LIMIT_PER_MINUTE`; 0 turns one off).
public struct GatewayLimits: Sendable {
    let perIP: RateLimiter
    let signInPerIP: RateLimiter
    let perAccount: RateLimiter

    public init(perIP: RateLimiter.Policy, signInPerIP: RateLimiter.Policy, perAccount: RateLimiter.Policy) {
        self.perIP = RateLimiter(policy: perIP)
        self.signInPerIP = RateLimiter(policy: signInPerIP)
        self.perAccount = RateLimiter(policy: perAccount)
    }
}
