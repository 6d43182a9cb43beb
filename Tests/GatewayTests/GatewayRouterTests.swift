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
    static let json: HTTPFields = [.contentType: "application/json"]

    func app(_ environment: [String: String] = [:]) throws -> some ApplicationProtocol { try gatewayApp(environment) }

    /// With the RPC deadline far beyond any scheduling delay.
    func appWithLongDeadline() throws -> some ApplicationProtocol { try gatewayApp(["EXPO_RPC_TIMEOUT_MS": "60000"]) }

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
        try await appWithLongDeadline().test(.router) { client in
            let started = ContinuousClock.now
            try await client.execute(uri: "/v1/categories", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                let code = try problem(response)["code"] as? String
                #expect(code == "broker-unavailable")
                #expect(response.headers[.retryAfter] != nil)
            }
            // Without a broker the answer does not wait for the deadline (set long here, so a loaded
            // machine's slowness is not mistaken for waiting on it).
            #expect(ContinuousClock.now - started < .seconds(30))
            try await client.execute(uri: "/health/ready", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(String(buffer: response.body) == #"{"status":"not-ready"}"#, "the public answer names no service or instance")
            }
            try await client.execute(uri: "/health/services/accounts", method: .get) { response in
                #expect(response.status == .notFound, "pinging a service is for operators, on the ops port")
            }
        }
    }

    @Test func oversizedBodiesAre413() async throws {
        try await app().test(.router) { client in
            try await client.execute(uri: "/v1/accounts", method: .post, body: ByteBuffer(repeating: 65, count: 10_000)) { response in
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
                for path in ["/health/live", "/health/ready", "/openapi.json", "/openapi.yaml"] {
                    #expect(paths[path] != nil, "\(path) documented")
                }
                let accounts: [(String, String)] = [
                    ("/v1/accounts", "post"), ("/v1/sessions", "post"), ("/v1/sessions/current", "delete"), ("/v1/me", "get"),
                    ("/v1/me", "patch"), ("/v1/me/password", "post"), ("/v1/me/sessions", "get"), ("/v1/me/sessions/{id}", "delete"),
                    ("/v1/me/logins", "get"), ("/v1/companies/{id}", "get"), ("/v1/admin/accounts", "get"),
                    ("/v1/admin/accounts/{id}/verification", "post"), ("/v1/admin/accounts/{id}/roles", "put"),
                ]
                for (path, method) in accounts {
                    let operation = (paths[path] as? [String: Any])?[method] as? [String: Any]
                    let responses = operation?["responses"] as? [String: Any]
                    #expect(responses != nil, "\(method) \(path) documented with responses")
                }
            }
            try await client.execute(uri: "/openapi.yaml", method: .get) { response in
                #expect(String(buffer: response.body).hasPrefix("openapi: 3.1.0"))
            }
        }
    }

    @Test func signInAttemptsPerIPAreLimitedWith429AndRetryAfter() async throws {
        try await app(["EXPO_SIGN_IN_RATE_LIMIT_PER_MINUTE": "6"]).test(.router) { client in
            var statuses: [HTTPResponse.Status] = []
            var retryAfter: String?
            for _ in 0..<3 {
                try await client.execute(uri: "/v1/sessions", method: .post, headers: Self.json, body: ByteBuffer(string: #"{"email":"a@b.example","password":"x"}"#)) { response in
                    statuses.append(response.status)
                    retryAfter = response.headers[.retryAfter]
                    if response.status == .tooManyRequests {
                        let code = try problem(response)["code"] as? String
                        #expect(code == "rate-limited")
                    }
                }
            }
            // A burst of two (a third of the minute's rate) reaches the (absent) broker; the third is refused at the edge.
            #expect(statuses == [.serviceUnavailable, .serviceUnavailable, .tooManyRequests])
            #expect(Int(retryAfter ?? "") ?? 0 >= 1)
            // Other routes keep working for that client.
            try await client.execute(uri: "/health/live", method: .get) { response in #expect(response.status == .ok) }
        }
    }

    @Test func aPathSpelledAnotherWayIsNotTheDocumentedOne() async throws {
        // Each of these reached the sign-in handler once, past the sign-in limit keyed on "/v1/sessions".
        let spellings = ["/v1/sessions/", "//v1/sessions", "/v1//sessions", "/v1/./sessions", "/v1/x/../sessions", "/v1/%73essions", "/v1%2Fsessions"]
        try await app(["EXPO_SIGN_IN_RATE_LIMIT_PER_MINUTE": "2"]).test(.router) { client in
            for path in spellings {
                try await client.execute(uri: path, method: .post, headers: Self.json, body: ByteBuffer(string: #"{"email":"a@b.example","password":"x"}"#)) { response in
                    #expect(response.status == .notFound, "\(path)")
                    let code = try problem(response)["code"] as? String
                    #expect(code == "not-found", "\(path)")
                }
            }
            // The canonical path still reaches the (absent) broker: the refused spellings were not sign-in attempts.
            try await client.execute(uri: "/v1/sessions", method: .post, headers: Self.json, body: ByteBuffer(string: #"{"email":"a@b.example","password":"x"}"#)) { response in
                #expect(response.status == .serviceUnavailable)
            }
            try await client.execute(uri: "/v1/unsubscribe/abc%20def", method: .get) { response in
                #expect(response.status == .serviceUnavailable, "an encoded space is the canonical spelling: it goes on to the service")
            }
        }
    }

    @Test func answersCarryTheirSecurityHeadersErrorsIncluded() async throws {
        try await app().test(.router) { client in
            try await client.execute(uri: "/v1/nothing-here", method: .get) { response in
                #expect(response.headers[.init("X-Content-Type-Options")!] == "nosniff")
                #expect(response.headers[.cacheControl] == nil, "nothing secret asked or answered")
            }
            try await client.execute(uri: "/v1/me", method: .get) { response in
                #expect(response.status == .unauthorized && response.headers[.wwwAuthenticate] == "Bearer")
            }
            try await client.execute(uri: "/v1/me", method: .get, headers: [.authorization: "Bearer not-a-session"]) { response in
                #expect(response.status == .unauthorized && response.headers[.wwwAuthenticate] == #"Bearer error="invalid_token""#)
                #expect(response.headers[.cacheControl] == "no-store")
            }
            try await client.execute(uri: "/v1/sessions", method: .post, headers: Self.json, body: ByteBuffer(string: #"{"email":"a@b.example","password":"x"}"#)) { response in
                #expect(response.headers[.cacheControl] == "no-store", "the sign-in answer carries the token")
            }
        }
    }

    /// Sends `request` as raw bytes to the live gateway on `port` (what an HTTP client library
    /// would not send) and answers the status line and the body.
    func raw(_ request: String, port: Int) throws -> (status: String, body: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", """
            import socket, sys
            s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
            s.sendall(sys.stdin.buffer.read())
            answer = b""
            try:
                while chunk := s.recv(65536):
                    answer += chunk
                    if b"\\r\\n\\r\\n" in answer and (b"content-length: 0" in answer.lower() or answer.rstrip().endswith(b"}")):
                        break
            except socket.timeout:
                pass
            sys.stdout.buffer.write(answer)
            """, String(port)]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(request.utf8))
        try input.fileHandleForWriting.close()
        let answer = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let parts = answer.components(separatedBy: "\r\n\r\n")
        return (String(parts.first?.split(separator: "\r\n").first ?? ""), parts.dropFirst().joined(separator: "\r\n\r\n"))
    }

    @Test func aChunkedBodyOverTheLimitOrMalformedOrInAnUnknownCodingIsAProblem() async throws {
        let head = "POST /v1/accounts HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        let big = String(repeating: "a", count: 3000)  // the limit here is 2048
        let cases: [(String, String, String)] = [
            ("over the limit", head + "Transfer-Encoding: chunked\r\n\r\n\(String(big.count, radix: 16))\r\n\(big)\r\n0\r\n\r\n", "413"),
            ("a malformed chunk size", head + "Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n", "400"),
            ("an unknown coding", head + "Transfer-Encoding: gzip\r\n\r\n", "501"),
        ]
        try await app().test(.live) { client in
            let port = try #require(client.port)
            for (name, request, status) in cases {
                let answer = try raw(request, port: port)
                #expect(answer.status.hasPrefix("HTTP/1.1 \(status)"), "\(name): \(answer.status)")
                #expect(answer.body.contains("\"status\":\(status)"), "\(name): a problem document, \(answer.body)")
            }
        }
    }

    @Test func malformedBodiesAreRefusedAtTheEdgeWithA400() async throws {
        let bodies: [(String, ByteBuffer)] = [
            ("invalid UTF-8", ByteBuffer(bytes: [0x7B, 0x22, 0x65, 0x22, 0x3A, 0x22, 0xFF, 0xFE, 0x22, 0x7D])),
            ("not JSON", ByteBuffer(string: "email=a@b.example")),
            ("a number where text belongs", ByteBuffer(string: #"{"email": 5, "password": "long enough pass"}"#)),
            ("an array", ByteBuffer(string: "[]")),
            ("empty", ByteBuffer()),
            ("a key given twice", ByteBuffer(string: #"{"email": "a@b.example", "email": "c@d.example"}"#)),
            ("a key given twice, once escaped", ByteBuffer(string: #"{"email": "a@b.example", "em\u0061il": "c@d.example"}"#)),
            ("a trailing comma", ByteBuffer(string: #"{"email": "a@b.example",}"#)),
            ("UTF-16", ByteBuffer(bytes: Array(#"{"email": "a@b.example"}"#.utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })),
            ("two documents", ByteBuffer(string: #"{"email": "a@b.example"} {}"#)),
            ("a comment", ByteBuffer(string: #"{"email": "a@b.example" /* me */}"#)),
        ]
        // Registration's own limit would answer these before the body is read.
        try await app(["EXPO_SIGN_IN_RATE_LIMIT_PER_MINUTE": "0"]).test(.router) { client in
            for (name, body) in bodies {
                try await client.execute(uri: "/v1/accounts", method: .post, headers: Self.json, body: body) { response in
                    #expect(response.status == .badRequest, "\(name)")
                    let code = try problem(response)["code"] as? String
                    #expect(code == "bad-request", "\(name)")
                }
            }
            try await client.execute(uri: "/v1/accounts", method: .post, headers: Self.json, body: ByteBuffer(string: #"{"email": 5}"#)) { response in
                let detail = try problem(response)["detail"] as? String
                #expect(detail?.contains("email") == true, "the problem names the field")
            }
            for type in [nil, "text/plain", "application/x-www-form-urlencoded"] {
                let headers: HTTPFields = type.map { [.contentType: $0] } ?? [:]
                try await client.execute(uri: "/v1/accounts", method: .post, headers: headers, body: ByteBuffer(string: #"{"email": "a@b.example"}"#)) { response in
                    #expect(response.status == .unsupportedMediaType, "\(type ?? "no type")")
                }
            }
        }
    }

    @Test func privateRoutesNeedATokenAndIdsMustBeUUIDs() async throws {
        try await app().test(.router) { client in
            for (uri, method) in [("/v1/me", HTTPRequest.Method.get), ("/v1/me/sessions", .get), ("/v1/admin/accounts", .get), ("/v1/sessions/current", .delete)] {
                try await client.execute(uri: uri, method: method) { response in
                    #expect(response.status == .unauthorized, "\(method) \(uri)")
                }
            }
            try await client.execute(uri: "/v1/companies/not-a-uuid", method: .get) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/v1/me", method: .put) { response in
                #expect(response.status == .methodNotAllowed, "a documented path with another method")
                #expect(response.headers[.allow] == "GET, PATCH")
            }
            try await client.execute(uri: "/v1/me/sessions/\(UUID())", method: .get) { response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "DELETE")
            }
        }
    }
}
