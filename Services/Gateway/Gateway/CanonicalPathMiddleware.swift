import Hummingbird

/// Refuses, as 404, a path that is not written the one way the API documents it: an empty
/// segment (`//v1/sessions`, `/v1/sessions/`), a dot segment, or a percent-encoded character that
/// needs no encoding (`/v1/%73essions`, `%2F`). The router would take several of these for the
/// documented path, and everything that looks at the path before it (the sign-in rate limit)
/// would not: one spelling per resource keeps every rule keyed on the path honest.
struct CanonicalPathMiddleware: RouterMiddleware {
    typealias Context = GatewayContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard Self.isCanonical(request.uri.path) else {
            throw HTTPError(.notFound, message: "no such resource (the path is not in its canonical form)")
        }
        return try await next(request, context)
    }

    static func isCanonical(_ path: String) -> Bool {
        guard path == "/" || (path.hasPrefix("/") && !path.hasSuffix("/")) else { return false }
        let segments = path.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        guard path == "/" || segments.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }) else { return false }
        // RFC 3986 §6.2.2.2: unreserved characters are never encoded in the normal form; nor is `/` in a segment here.
        var bytes = Array(path.utf8)[...]
        while let percent = bytes.firstIndex(of: UInt8(ascii: "%")) {
            let code = bytes[(percent + 1)...].prefix(2)
            guard code.count == 2, let value = UInt8(String(decoding: code, as: UTF8.self), radix: 16) else { return false }
            let character = Character(Unicode.Scalar(value))
            if character.isASCII && (character.isLetter || character.isNumber || "-._~/".contains(character)) { return false }
            bytes = bytes[(percent + 3)...]
        }
        return true
    }
}
