import Contracts
import Foundation
@testable import Gateway
import Hummingbird
import HummingbirdTesting
import MessageBus
import ServiceRuntime
import Testing
import TestSupport

/// The web app's files and the browser session: pages on the mailed links' paths, strict
/// policies, and a session cookie that only works with its CSRF token and is cleared when refused.
@Suite struct WebAppTests {
    func app() throws -> some ApplicationProtocol { try gatewayApp(authenticator: OneToken()) }

    static let page: HTTPFields = [.accept: "text/html,application/xhtml+xml"]

    @Test func pagesOnTheAppsPathsAreTheAppWithItsPolicy() async throws {
        try await app().test(.router) { client in
            for path in ["/", "/verify-email?token=abc", "/conversations/3f6c0a4e-0000-4000-8000-000000000000", "/v1/unsubscribe/tok"] {
                try await client.execute(uri: path, method: .get, headers: path == "/" ? [:] : Self.page) { response in
                    #expect(response.status == .ok, "\(path)")
                    #expect(response.headers[.contentType] == "text/html; charset=utf-8", "\(path)")
                    let policy = response.headers[.init("Content-Security-Policy")!] ?? ""
                    #expect(policy.contains("script-src 'self'") && !policy.contains("unsafe-inline") && !policy.contains("unsafe-eval"))
                    #expect(response.headers[.init("Referrer-Policy")!] == "no-referrer", "mailed tokens stay out of Referer")
                    #expect(String(buffer: response.body).contains(#"<script type="module" src="/assets/app.js">"#))
                }
            }
        }
    }

    @Test func theAPIStaysTheAPIForClientsThatAskForJSON() async throws {
        try await app().test(.router) { client in
            try await client.execute(uri: "/v1/nothing-here", method: .get, headers: [.accept: "application/json"]) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.init("Content-Security-Policy")!] == "default-src 'none'; frame-ancestors 'none'")
            }
            try await client.execute(uri: "/v1/me", method: .get, headers: Self.page) { response in
                #expect(response.status == .unauthorized, "an API path is never the app, even for a browser")
            }
            try await client.execute(uri: "/no-such-page", method: .get, headers: [.accept: "application/json"]) { response in
                #expect(response.status == .notFound, "only a browser's navigation gets the app")
            }
            try await client.execute(uri: "/assets/../Web/index.html", method: .get) { response in
                #expect(response.status == .notFound)
            }
        }
    }

    @Test func assetsAreServedWithTheirTypeAndRevalidated() async throws {
        try await app().test(.router) { client in
            var etag = ""
            try await client.execute(uri: "/assets/app.js", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/javascript; charset=utf-8")
                #expect(response.headers[.cacheControl] == "no-cache")
                etag = response.headers[.eTag] ?? ""
            }
            try await client.execute(uri: "/assets/app.js", method: .get, headers: [.ifNoneMatch: etag]) { response in
                #expect(response.status == .notModified)
                #expect(response.body.readableBytes == 0)
            }
            try await client.execute(uri: "/assets/missing.js", method: .get) { response in
                #expect(response.status == .notFound)
            }
        }
    }

    @Test func theSessionCookieAuthenticatesAndChangesNeedTheCSRFToken() async throws {
        let cookies: HTTPFields = [.cookie: "expo_session=good-token; expo_csrf=c5rf"]
        try await app().test(.router) { client in
            // Authenticated by the cookie: the request reaches the (absent) broker instead of a 401.
            try await client.execute(uri: "/v1/me", method: .get, headers: cookies) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.headers[.cacheControl] == "no-store")
            }
            let change = ByteBuffer(string: #"{"contactName":"A"}"#)
            var withoutToken = cookies
            withoutToken[.contentType] = "application/json"
            try await client.execute(uri: "/v1/me", method: .patch, headers: withoutToken, body: change) { response in
                #expect(response.status == .forbidden)
                let problem = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                #expect(problem?["code"] as? String == "csrf-token-mismatch")
            }
            var wrongToken = withoutToken
            wrongToken[BrowserSession.csrfHeader] = "c5rg"
            try await client.execute(uri: "/v1/me", method: .patch, headers: wrongToken, body: change) { response in
                #expect(response.status == .forbidden)
            }
            var withToken = withoutToken
            withToken[BrowserSession.csrfHeader] = "c5rf"
            try await client.execute(uri: "/v1/me", method: .patch, headers: withToken, body: change) { response in
                #expect(response.status == .serviceUnavailable, "with its CSRF token the change goes through")
            }
        }
    }

    @Test func aRefusedCookieIsClearedAndBearerClientsAreUnaffected() async throws {
        try await app().test(.router) { client in
            try await client.execute(uri: "/v1/me", method: .get, headers: [.cookie: "expo_session=stale; expo_csrf=x"]) { response in
                #expect(response.status == .unauthorized)
                let cleared = response.headers[values: .setCookie]
                #expect(cleared.contains { $0.hasPrefix("expo_session=;") && $0.contains("Max-Age=0") })
                #expect(cleared.contains { $0.hasPrefix("expo_csrf=;") && $0.contains("Max-Age=0") })
            }
            // A bearer client needs no CSRF token, even with stray cookies.
            try await client.execute(uri: "/v1/me", method: .patch, headers: [
                .authorization: "Bearer good-token", .cookie: "expo_session=stale", .contentType: "application/json",
            ], body: ByteBuffer(string: "{}")) { response in
                #expect(response.status == .serviceUnavailable)
            }
        }
    }

    @Test func aBrowserSignInKeepsTheTokenOutOfTheBody() throws {
        let account = try MessageCodec.decode(Account.self, from: Data(#"""
            {"id":"3f6c0a4e-0000-4000-8000-000000000001","email":"a@example.com","emailVerified":false,"contactName":"A",
             "language":"en","roles":["purchaser"],"verificationStatus":"pending","consentRequired":true,
             "capabilities":{"publishProducts":false,"sendInquiries":true,"manageAccounts":false},
             "createdAt":"2026-12-07T10:00:00Z","updatedAt":"2026-12-07T10:00:00Z"}
            """#.utf8))
        let session = CreatedSession(token: "the-secret", sessionID: UUID(), expiresAt: Date(timeIntervalSinceNow: 3600), account: account)
        let body = String(decoding: try BrowserSession.body(of: session), as: UTF8.self)
        #expect(!body.contains("the-secret") && body.contains("a@example.com"))
        let cookies = BrowserSession.cookies(of: session).map(\.value)
        let sessionCookie = try #require(cookies.first { $0.hasPrefix("expo_session=the-secret;") })
        for attribute in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/v1"] { #expect(sessionCookie.contains(attribute)) }
        let csrf = try #require(cookies.first { $0.hasPrefix("expo_csrf=") })
        #expect(!csrf.contains("HttpOnly"), "the app reads it to echo it")
        #expect(csrf.contains("Secure") && csrf.contains("SameSite=Strict"))
    }
}
