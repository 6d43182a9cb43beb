import Contracts
import Foundation
import Gateway
import Hummingbird
import MessageBus
import ServiceRuntime
import TestSupport

/// The gateway's router as `buildGateway` assembles it, with a broker that is not there (every
/// forwarded request is a fast 503) and the authenticator a test needs.
func gatewayApp(_ environment: [String: String] = [:], authenticator: any TokenAuthenticator = NoSessionsAuthenticator()) throws
    -> some ApplicationProtocol
{
    let configuration = try ServiceConfiguration(service: .gateway, environment: [
        "EXPO_CORS_ORIGINS": "https://expo.example", "EXPO_MAX_BODY_BYTES": "2048",
        "EXPO_AMQP_URL": "amqp://guest:guest@127.0.0.1:1/",
    ].merging(environment) { $1 })
    let logger = TestEnvironment.logger("gateway")
    let bus = MessageBus(configuration: configuration.amqp, topology: PlatformTopology.make(), instance: "gw-test", logger: logger)
    let router = try buildRouter(
        configuration: configuration, settings: try GatewaySettings(environment: configuration.environment), bus: bus,
        monitor: ServiceHealthMonitor(bus: bus, logger: logger), authenticator: authenticator)
    return Application(router: router, logger: logger)
}

/// Accepts one token, "good-token", as the accounts service would accept a live session.
struct OneToken: TokenAuthenticator {
    func actor(forToken token: String, context: GatewayContext) async throws -> Actor? {
        token == "good-token" ? Actor(accountID: UUID(), roles: ["purchaser"], sessionID: UUID()) : nil
    }
}
