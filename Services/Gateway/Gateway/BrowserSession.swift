import Contracts
import Foundation
import HTTPTypes
import Hummingbird
import MessageBus
import ServiceRuntime

/// Sessions for the web app, kept out of reach of its scripts: a sign-in that asks for
/// `X-Session-Transport: cookie` gets its token in an `HttpOnly; Secure; SameSite=Strict` cookie
/// instead of the body. A cookie-authenticated change must echo the readable `expo_csrf` cookie in
/// `X-CSRF-Token` (double submit): another site can make the browser send the cookies, never
/// read them. Bearer tokens stay the way every other client authenticates.
enum BrowserSession {
    static let sessionCookie = "expo_session"
    static let csrfCookie = "expo_csrf"
    static let csrfHeader = HTTPField.Name("X-CSRF-Token")!
    static let transportHeader = HTTPField.Name("X-Session-Transport")!

    /// The session token of a request that authenticates by cookie, not by `Authorization`.
    static func token(in request: Request) -> String? {
        guard request.headers[.authorization] == nil else { return nil }
        return cookies(of: request)[sessionCookie]
    }

    /// Whether the request offers a session at all: a bearer token or the session cookie.
    static func offersSession(_ request: Request) -> Bool {
        request.headers[.authorization] != nil || token(in: request) != nil
    }

    /// Refuses a cookie-authenticated change whose `X-CSRF-Token` is not the `expo_csrf` cookie.
    static func checkCSRF(_ request: Request) throws {
        guard ![.get, .head, .options].contains(request.method) else { return }
        let expected = cookies(of: request)[csrfCookie] ?? ""
        let sent = request.headers[csrfHeader] ?? ""
        guard !expected.isEmpty, expected.utf8.count == sent.utf8.count,
              zip(expected.utf8, sent.utf8).reduce(0, { $0 | ($1.0 ^ $1.1) }) == 0 else {
            throw Problem(status: 403, code: .csrfTokenMismatch, title: "Forbidden",
                          detail: "a change made with the session cookie must echo the expo_csrf cookie in X-CSRF-Token")
        }
    }

    static func wantsCookie(_ request: Request) -> Bool {
        request.headers[transportHeader]?.lowercased() == "cookie"
    }

    /// The sign-in answer for the web app: the cookies set, the body without the token.
    static func signedIn(_ session: CreatedSession) throws -> Response {
        var response = Response(
            status: .created, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: try body(of: session))))
        response.headers.append(contentsOf: cookies(of: session))
        return response
    }

    /// The sign-in reply without its token.
    static func body(of session: CreatedSession) throws -> Data {
        struct Body: Encodable {
            let sessionID: UUID
            let expiresAt: Date
            let account: Account
        }
        return try MessageCodec.encode(Body(sessionID: session.sessionID, expiresAt: session.expiresAt, account: session.account))
    }

    /// The session cookie, for the API's paths only, and the readable CSRF cookie; both end with the session.
    static func cookies(of session: CreatedSession) -> [HTTPField] {
        let maxAge = max(0, Int(session.expiresAt.timeIntervalSinceNow))
        return [
            HTTPField(name: .setCookie, value: "\(sessionCookie)=\(session.token); Path=/v1; Max-Age=\(maxAge); HttpOnly; Secure; SameSite=Strict"),
            HTTPField(name: .setCookie, value: "\(csrfCookie)=\(SecretToken.generate()); Path=/; Max-Age=\(maxAge); Secure; SameSite=Strict"),
        ]
    }

    /// Removes both cookies: after sign-out, and when the gateway refused the session.
    static func clear(_ response: inout Response) {
        response.headers.append(HTTPField(name: .setCookie, value: "\(sessionCookie)=; Path=/v1; Max-Age=0; HttpOnly; Secure; SameSite=Strict"))
        response.headers.append(HTTPField(name: .setCookie, value: "\(csrfCookie)=; Path=/; Max-Age=0; Secure; SameSite=Strict"))
    }

    /// `Cookie: a=1; b=2` (every Cookie field) as a dictionary; the first of a repeated name wins.
    static func cookies(of request: Request) -> [String: String] {
        var result: [String: String] = [:]
        for field in request.headers[values: .cookie] {
            for pair in field.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2 else { continue }
                let name = parts[0].trimmingCharacters(in: .whitespaces)
                if result[name] == nil { result[name] = parts[1].trimmingCharacters(in: .whitespaces) }
            }
        }
        return result
    }
}

extension Problem.Code {
    static let csrfTokenMismatch = Problem.Code("csrf-token-mismatch")
}
