import Contracts
import Foundation
import Gateway
import Hummingbird
import HummingbirdTesting
import MessageBus
import ServiceRuntime
import Testing
import TestSupport

/// The gateway's HTTP behaviour with a broker that is not there: every answer must still be a
/// clear problem, fast.
@Suite struct GatewayRouterTests {
    func app() throws -> some ApplicationProtocol {
        let configuration = try ServiceConfiguration(service: .gateway, environment: [
            "EXPO_CORS_ORIGINS": "https://expo.example", "EXPO_MAX_BODY_BYTES": "2048",
            "EXPO_AMQP_URL": "amqp://guest:guest@127.0.0.1:1/",
        ])
        let logger = TestEnvironment.logger("gateway")
        let bus = MessageBus(configuration: configuration.amqp, topology: PlatformTopology.make(), instance: "gw-test", logger: logger)
        let monitor = ServiceHealthMonitor(bus: bus, logger: logger)
        let router = try buildRouter(configuration: configuration, bus: bus, monitor: monitor, authenticator: NoSessionsAuthenticator())
        return Application(router: router, logger: logger)
    }

    func problem(_ response: TestResponse) throws -> [String: Any] {
        #expect(response.headers[.contentType] == "application/problem+json")
        return try #require(JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
    }

    @Test func unknownRoutesAnswerWithAProblemAndARequestID() async throws {
        try await app().test(.router) { client in
            try await client.execute(uri: "/v1/nothing-here", method: .get) { response in
                #expect(response.status == .notFound)
                let code = try problem(response)["code"] as? String
                #expect(code == "not-found")
                #expect(response.headers[.init("X-Request-Id")!]?.isEmpty == false)
            }
        }
    }

    @Test func aSaneRequestIDIsEchoedAndAnInsaneOneReplaced() async throws {
        try await app().test(.router) { client in
            try await client.execute(uri: "/health/live", method: .get, headers: [.init("X-Request-Id")!: "abc-123"]) { response in
                #expect(response.headers[.init("X-Request-Id")!] == "abc-123")
            }
            try await client.execute(uri: "/health/live", method: .get, headers: [.init("X-Request-Id")!: String(repeating: "x", count: 500)]) { response in
                #expect(response.headers[.init("X-Request-Id")!]?.count == 36)
            }
        }
    }

    @Test func withoutABrokerRequestsGet503Quickly() async throws {
        try await app().test(.router) { client in
            let started = ContinuousClock.now
            try await client.execute(uri: "/health/services/accounts", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                let code = try problem(response)["code"] as? String
                #expect(code == "broker-unavailable")
                #expect(response.headers[.retryAfter] != nil)
            }
            #expect(ContinuousClock.now - started < .seconds(2))
            try await client.execute(uri: "/health/ready", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
            }
            try await client.execute(uri: "/health/services/nobody", method: .get) { response in
                #expect(response.status == .notFound)
            }
        }
    }

    @Test func oversizedBodiesAre413() async throws {
        try await app().test(.router) { client in
            try await client.execute(uri: "/health/services/accounts", method: .post, body: ByteBuffer(repeating: 65, count: 10_000)) { response in
                #expect(response.status == .contentTooLarge)
                let code = try problem(response)["code"] as? String
                #expect(code == "body-too-large")
            }
        }
    }

    @Test func badBearerTokensAre401() async throws {
        try await app().test(.router) { client in
            for value in ["Bearer not-a-session", "Basic dXNlcjpwdw==", "Bearer "] {
                try await client.execute(uri: "/health/live", method: .get, headers: [.authorization: value]) { response in
                    #expect(response.status == .unauthorized)
                    let code = try problem(response)["code"] as? String
                    #expect(code == "unauthorized")
                }
            }
        }
    }

    @Test func corsPreflightForAllowedOriginsOnly() async throws {
        try await app().test(.router) { client in
            let preflight: HTTPFields = [.origin: "https://expo.example", .accessControlRequestMethod: "POST"]
            try await client.execute(uri: "/v1/accounts", method: .options, headers: preflight) { response in
                #expect(response.status == .noContent)
                #expect(response.headers[.accessControlAllowOrigin] == "https://expo.example")
                #expect(response.headers[.accessControlAllowHeaders]?.contains("Idempotency-Key") == true)
            }
            try await client.execute(uri: "/health/live", method: .get, headers: [.origin: "https://evil.example"]) { response in
                #expect(response.headers[.accessControlAllowOrigin] == nil)
            }
        }
    }

    @Test func servesTheOpenAPIDocumentAsJSONAndYAML() async throws {
        try await app().test(.router) { client in
            try await client.execute(uri: "/openapi.json", method: .get) { response in
                #expect(response.status == .ok)
                let document = try #require(JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
                #expect(document["openapi"] as? String == "3.1.0")
                let paths = try #require(document["paths"] as? [String: Any])
                for path in ["/health/live", "/health/ready", "/health/services/{service}", "/openapi.json", "/openapi.yaml"] {
                    #expect(paths[path] != nil, "\(path) documented")
                }
            }
            try await client.execute(uri: "/openapi.yaml", method: .get) { response in
                #expect(String(buffer: response.body).hasPrefix("openapi: 3.1.0"))
            }
        }
    }
}
