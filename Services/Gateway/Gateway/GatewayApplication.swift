import Contracts
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import MessageBus
import NIOCore
import Prometheus
import ServiceLifecycle
import ServiceRuntime

/// Builds the gateway process: broker connections, the service health monitor, the public HTTP
/// API and the ops endpoint, in one `ServiceGroup` that drains on SIGTERM.
public func buildGateway(
    configuration: ServiceConfiguration, logger: Logger, metrics: PrometheusCollectorRegistry?
) throws -> ServiceGroup {
    let settings = try GatewaySettings(environment: configuration.environment)
    try PortCheck.ensureFree(host: configuration.httpHost, port: configuration.httpPort, variable: "EXPO_HTTP_PORT")
    try PortCheck.ensureFree(host: configuration.opsHost, port: configuration.opsPort, variable: "EXPO_OPS_PORT")
    let bus = MessageBus(configuration: configuration.amqp, topology: PlatformTopology.make(), instance: configuration.instance, logger: logger)
    let monitor = ServiceHealthMonitor(bus: bus, logger: logger)
    let sessions = SessionAuthenticator(bus: bus, timeout: configuration.rpcTimeout, lifetime: settings.tokenCacheLifetime)
    // A gateway replica is ready when it can reach the broker: a backend that is down makes its
    // routes answer 503/504, it must not take every gateway out of the load balancer.
    let readiness: @Sendable () async -> OpsServer.Readiness = {
        .init(ready: bus.isReady, checks: ["broker": bus.isReady, "platform": monitor.report().ready], instance: configuration.instance)
    }
    let router = try buildRouter(
        configuration: configuration, settings: settings, bus: bus, monitor: monitor, authenticator: sessions)
    let live = LiveRoutes(hub: LiveHub(bus: bus), timeout: configuration.rpcTimeout)
    // Pings every 30 s keep idle sockets honest: one that does not answer within the next period is closed.
    let webSocket = WebSocketServerConfiguration(maxFrameSize: 1 << 16, autoPing: .enabled(timePeriod: .seconds(30)), closeTimeout: .seconds(5))
    let limits = settings.connections
    let counter = ConnectionCounter(limit: limits.perIP)
    let http1 = HTTP1Channel.Configuration(
        additionalChannelHandlers: [ConnectionGuard(requestTimeout: limits.requestTimeout)], idleTimeout: TimeAmount(limits.idleTimeout),
        httpDecoderConfiguration: RequestHeadScan.decoderLimits)
    let api = Application(
        router: router,
        server: HTTPServerBuilder { responder in
            AdmittedChannel(
                inner: HTTP1WebSocketUpgradeChannel(responder: responder, configuration: .init(http1: http1, ws: webSocket)) { head, channel, _ in
                    await live.shouldUpgrade(head, channel: channel)
                },
                counter: counter, headTimeout: limits.idleTimeout)
        },
        configuration: .init(address: .hostname(configuration.httpHost, port: configuration.httpPort), serverName: "expo-gateway"),
        logger: logger)
    let health = PlatformHealth(bus: bus, monitor: monitor, timeout: configuration.rpcTimeout)
    let ops = OpsServer.application(
        host: configuration.opsHost, port: configuration.opsPort, metrics: metrics, logger: logger,
        routes: health.addRoutes, readiness: { await readiness() })
    return ServiceGroup(configuration: .init(
        services: bus.services + [monitor, ops, api], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
}

/// The public router: middleware in the order a request meets it, then the routes.
public func buildRouter(
    configuration: ServiceConfiguration, settings: GatewaySettings, bus: MessageBus, monitor: ServiceHealthMonitor,
    authenticator: any TokenAuthenticator
) throws -> Router<GatewayContext> {
    let router = Router(context: GatewayContext.self)
    let document = try OpenAPIDocument()
    router.add(middleware: RequestIDMiddleware())
    router.add(middleware: ClientAddressMiddleware(proxies: settings.trustedProxies))
    router.add(middleware: AccessLogMiddleware())
    router.add(middleware: SecurityHeadersMiddleware())
    router.add(middleware: CORSPolicy(origins: configuration.corsOrigins))
    router.add(middleware: ProblemMiddleware())
    router.add(middleware: WebAppMiddleware(app: try WebApp()))
    router.add(middleware: MethodNotAllowedMiddleware(document: document))
    router.add(middleware: RateLimitMiddleware(stage: .client, limits: settings.limits))
    router.add(middleware: CanonicalPathMiddleware())
    router.add(middleware: BodyLimitMiddleware(maxBytes: configuration.maxBodyBytes))
    router.add(middleware: AuthenticationMiddleware(authenticator: authenticator))
    router.add(middleware: RateLimitMiddleware(stage: .account, limits: settings.limits))
    let forwarder = RPCForwarder(bus: bus, timeout: configuration.rpcTimeout, maxBodyBytes: configuration.maxBodyBytes)

    router.get("/health/live") { _, _ in ["status": "live"] }
    // Ready or not, nothing more: the detail is on the ops port (`PlatformHealth`).
    router.get("/health/ready") { _, _ -> Response in
        let ready = monitor.report().ready
        return Response(
            status: ready ? .ok : .serviceUnavailable, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: ready ? #"{"status":"ready"}"# : #"{"status":"not-ready"}"#)))
    }
    AccountsRoutes(forwarder: forwarder, sessions: authenticator as? SessionAuthenticator).add(to: router)
    MatchmakingRoutes(forwarder: forwarder).add(to: router)
    MessagingRoutes(forwarder: forwarder).add(to: router)
    MarketingRoutes(forwarder: forwarder).add(to: router)
    ComplaintsRoutes(forwarder: forwarder).add(to: router)
    DataRightsRoutes(forwarder: forwarder).add(to: router)
    LiveRoutes.addHTTPAnswer(to: router)
    document.addRoutes(to: router)
    return router
}
