import Foundation

/// Where and how to connect: parsed from an `amqp://` or `amqps://` URL.
///
/// Query parameters: `heartbeat` (seconds, default 10), `connection_timeout` (seconds, default 5),
/// and for TLS `cacertfile` and `verify` (`verify_peer` or `verify_none`).
public struct AMQPConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var user: String
    public var password: String
    public var virtualHost: String
    public var useTLS: Bool
    public var verifyPeer: Bool
    public var caCertificatePath: String?
    public var heartbeatSeconds: Int
    public var connectTimeoutSeconds: Int
    /// Reconnect backoff: starts at the minimum and doubles up to the maximum.
    public var reconnectMinimum: Duration = .milliseconds(100)
    public var reconnectMaximum: Duration = .seconds(2)

    public init(url: String) throws {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
              scheme == "amqp" || scheme == "amqps"
        else { throw AMQPError(.invalidURL, "expected amqp:// or amqps://, got '\(Self.redacted(url))'") }
        guard let host = components.host, !host.isEmpty else {
            throw AMQPError(.invalidURL, "no host in '\(Self.redacted(url))'")
        }
        self.useTLS = scheme == "amqps"
        self.host = host
        self.port = components.port ?? (useTLS ? 5671 : 5672)
        self.user = components.percentEncodedUser.flatMap { $0.removingPercentEncoding } ?? "guest"
        self.password = components.percentEncodedPassword.flatMap { $0.removingPercentEncoding } ?? "guest"
        let path = components.percentEncodedPath
        let vhost = path.isEmpty || path == "/" ? "/" : String(path.dropFirst()).removingPercentEncoding ?? "/"
        self.virtualHost = vhost
        let query = Dictionary(
            (components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        self.heartbeatSeconds = try Self.integer(query["heartbeat"], named: "heartbeat", default: 10)
        self.connectTimeoutSeconds = try Self.integer(query["connection_timeout"], named: "connection_timeout", default: 5)
        self.caCertificatePath = query["cacertfile"]
        self.verifyPeer = query["verify"] != "verify_none"
    }

    /// The URL with its password hidden, for logs.
    public var redactedURL: String {
        "\(useTLS ? "amqps" : "amqp")://\(user):***@\(host):\(port)/\(virtualHost == "/" ? "" : virtualHost)"
    }

    static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "***"
        return components.string ?? "<url>"
    }

    private static func integer(_ text: String?, named name: String, default value: Int) throws -> Int {
        guard let text else { return value }
        guard let number = Int(text), number >= 0 else {
            throw AMQPError(.invalidURL, "\(name) must be a whole number of seconds, got '\(text)'")
        }
        return number
    }
}
