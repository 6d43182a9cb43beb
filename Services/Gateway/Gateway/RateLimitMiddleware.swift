import Contracts
import Hummingbird

/// Per-address limits for anonymous traffic (and a stricter one on sign-in, registration and
/// password resets), a per-account limit once a token checks out. A request with a token or the
/// session cookie is not charged to its address, so one busy script cannot throttle everyone
/// behind a company's address; a token the gateway refuses is charged to a bucket of its own per
/// address (the same rate), and an address that emptied it is refused before its next token
/// costs a check.
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = GatewayContext

    enum Stage { case client, account }

    let stage: Stage
    let limits: GatewayLimits

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        switch stage {
        case .client:
            let ip = context.clientAddress ?? "unknown"
            if request.method == .post, Self.guardedPaths.contains(request.uri.path), let wait = limits.signInPerIP.take(ip) {
                throw RateLimitExceeded(retryAfter: wait, scope: "sign-in")
            }
            guard BrowserSession.offersSession(request) else {
                if let wait = limits.perIP.take(ip) { throw RateLimitExceeded(retryAfter: wait, scope: "client") }
                break
            }
            if let wait = limits.refusedTokensPerIP.peek(ip) { throw RateLimitExceeded(retryAfter: wait, scope: "client") }
            do {
                let response = try await next(request, context)
                if response.status == .unauthorized { _ = limits.refusedTokensPerIP.take(ip) }
                return response
            } catch let problem as Problem where problem.status == 401 {
                _ = limits.refusedTokensPerIP.take(ip)
                throw problem
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
    let refusedTokensPerIP: RateLimiter
    let signInPerIP: RateLimiter
    let perAccount: RateLimiter

    public init(perIP: RateLimiter.Policy, signInPerIP: RateLimiter.Policy, perAccount: RateLimiter.Policy) {
        self.perIP = RateLimiter(policy: perIP)
        self.refusedTokensPerIP = RateLimiter(policy: perIP)
        self.signInPerIP = RateLimiter(policy: signInPerIP)
        self.perAccount = RateLimiter(policy: perAccount)
    }
}
