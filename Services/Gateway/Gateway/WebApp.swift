import Foundation
import HTTPTypes
import Hummingbird
import ServiceRuntime

/// The web app (`Web/`: plain HTML, CSS and JavaScript modules), read into memory once at start.
/// `/assets/…` are its files; any other page a browser navigates to (`Accept: text/html`) gets
/// `index.html`, whose router draws the screen the path names, so mailed links such as
/// `/verify-email?token=…` open in the app. The API's paths stay the API's, except that a browser
/// opening a mailed `GET /v1/unsubscribe/{token}` gets the landing page that explains it.
public struct WebApp: Sendable {
    struct File: Sendable {
        let body: ByteBuffer
        let contentType: String
        let etag: String
    }

    let files: [String: File]

    /// What the app may load: only its own files, its own API and WebSocket, and product pictures
    /// suppliers link (https). No inline script or style, no eval.
    static let contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; "
        + "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

    public init() throws {
        guard let root = Bundle.module.url(forResource: "Web", withExtension: nil) else { throw CocoaError(.fileNoSuchFile) }
        var files: [String: File] = [:]
        let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])
        while let url = enumerator?.nextObject() as? URL {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true,
                  let type = Self.types[url.pathExtension] else { continue }
            let data = try Data(contentsOf: url)
            let path = "/" + url.standardizedFileURL.path.dropFirst(root.standardizedFileURL.path.count).drop(while: { $0 == "/" })
            files[path] = File(body: ByteBuffer(bytes: data), contentType: type, etag: EntityTag.of(data))
        }
        guard files["/index.html"] != nil else { throw CocoaError(.fileNoSuchFile) }
        self.files = files
    }

    static let types = [
        "html": "text/html; charset=utf-8", "js": "text/javascript; charset=utf-8", "css": "text/css; charset=utf-8",
        "svg": "image/svg+xml", "png": "image/png", "ico": "image/x-icon",
    ]

    /// The file a GET or HEAD for `path` is answered with, if the app answers it.
    func file(for request: Request) -> File? {
        guard request.method == .get || request.method == .head else { return nil }
        let path = request.uri.path
        if path.hasPrefix("/assets/") { return files[path] }
        if path == "/index.html" { return nil }
        let api = path.hasPrefix("/v1/") || path.hasPrefix("/health/") || path.hasPrefix("/openapi.")
        let page = path == "/" || request.headers[.accept]?.contains("text/html") == true
        guard page, !api || (path.hasPrefix("/v1/unsubscribe/") && path.split(separator: "/").count == 3) else { return nil }
        return files["/index.html"]
    }
}

/// Serves `WebApp`'s files before rate limiting: they are static and the same for everyone.
struct WebAppMiddleware: RouterMiddleware {
    typealias Context = GatewayContext

    let app: WebApp

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let file = app.file(for: request) else { return try await next(request, context) }
        var headers: HTTPFields = [
            .contentType: file.contentType, .eTag: file.etag, .cacheControl: "no-cache",
            .init("Content-Security-Policy")!: WebApp.contentSecurityPolicy,
            // Mailed links carry their token in the query: no other site may see it in a Referer.
            .init("Referrer-Policy")!: "no-referrer",
        ]
        if let ifNoneMatch = request.headers[.ifNoneMatch], EntityTag.list(ifNoneMatch, names: file.etag) {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentLength] = "\(file.body.readableBytes)"
        return Response(status: .ok, headers: headers, body: request.method == .head ? .init() : .init(byteBuffer: file.body))
    }
}
