import ServiceRuntime

/// The gateway's own settings (`EXPO_*` variables; the README lists them).
public struct GatewaySettings: Sendable {
    public var limits: GatewayLimits
    /// How long a validated token is reused without asking accounts (`EXPO_TOKEN_CACHE_SECONDS`, 0 = never).
    public var tokenCacheLifetime: Duration
    /// How clients may hold connections (`ConnectionGuard`).
    public var connections: ConnectionLimits
    /// Who may say who the client is (`EXPO_TRUSTED_PROXIES`).
    public var trustedProxies: TrustedProxies

    public init(
        limits: GatewayLimits, tokenCacheLifetime: Duration, connections: ConnectionLimits = ConnectionLimits(),
        trustedProxies: TrustedProxies
    ) {
        self.limits = limits
        self.tokenCacheLifetime = tokenCacheLifetime
        self.connections = connections
        self.trustedProxies = trustedProxies
    }

    public init(environment env: Environment) throws {
        let perIP = try env.integer("EXPO_RATE_LIMIT_PER_MINUTE", default: 1200, in: 0...10_000_000)
        // Room for a company's worth of people signing in behind one address; guessing is held back
        // by accounts, which counts failures per account and per address across every replica.
        let signIn = try env.integer("EXPO_SIGN_IN_RATE_LIMIT_PER_MINUTE", default: 300, in: 0...1_000_000)
        let perAccount = try env.integer("EXPO_ACCOUNT_RATE_LIMIT_PER_MINUTE", default: 600, in: 0...10_000_000)
        self.init(
            limits: GatewayLimits(
                perIP: .init(perMinute: perIP), signInPerIP: .init(perMinute: signIn, burst: max(1, signIn / 3)),
                perAccount: .init(perMinute: perAccount)),
            tokenCacheLifetime: .seconds(try env.integer("EXPO_TOKEN_CACHE_SECONDS", default: 30, in: 0...300)),
            connections: ConnectionLimits(
                idleTimeout: .seconds(try env.integer("EXPO_HTTP_IDLE_TIMEOUT_SECONDS", default: 60, in: 1...3600)),
                requestTimeout: .seconds(try env.integer("EXPO_HTTP_REQUEST_TIMEOUT_SECONDS", default: 30, in: 1...3600)),
                perIP: try env.integer("EXPO_MAX_CONNECTIONS_PER_IP", default: 512, in: 0...1_000_000)),
            trustedProxies: try TrustedProxies(env["EXPO_TRUSTED_PROXIES"] ?? ""))
    }
}
