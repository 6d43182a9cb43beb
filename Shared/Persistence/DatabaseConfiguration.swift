import Foundation
import NIOSSL
import PostgresNIO

/// Where a service's schema lives, from a `postgres://user:password@host:port/database` URL
/// (`?sslmode=disable|prefer|require`, default `prefer`), and which schema it owns.
public struct DatabaseConfiguration: Sendable {
    public enum TLSMode: String, Sendable { case disable, prefer, require }

    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var schema: String
    public var tls: TLSMode
    public var maximumConnections = 20

    public init(url: String, schema: String) throws {
        guard let components = URLComponents(string: url), ["postgres", "postgresql"].contains(components.scheme ?? ""),
              let host = components.host, !host.isEmpty
        else { throw DatabaseError(.invalidConfiguration, "expected postgres://user:password@host:port/database, got '\(Self.redacted(url))'") }
        guard let username = components.percentEncodedUser?.removingPercentEncoding, !username.isEmpty else {
            throw DatabaseError(.invalidConfiguration, "no user in '\(Self.redacted(url))'")
        }
        self.host = host
        self.port = components.port ?? 5432
        self.username = username
        self.password = components.percentEncodedPassword?.removingPercentEncoding
        let database = String(components.path.dropFirst())
        self.database = database.isEmpty ? username : database
        self.schema = schema
        let mode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "prefer"
        guard let tls = TLSMode(rawValue: mode) else {
            throw DatabaseError(.invalidConfiguration, "sslmode must be disable, prefer or require, got '\(mode)'")
        }
        self.tls = tls
    }

    /// For logs: everything but the password.
    public var description: String { "postgres://\(username)@\(host):\(port)/\(database) schema \(schema)" }

    var clientConfiguration: PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS = switch self.tls {
        case .disable: .disable
        case .prefer: .prefer(.makeClientConfiguration())
        case .require: .require(.makeClientConfiguration())
        }
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: tls)
        // Unqualified names resolve in the service's own schema, whatever the role's default, then in
        // the shared `extensions` schema (pg_trgm), which only roles granted its use can see.
        configuration.options.additionalStartupParameters = [("search_path", "\(schema), extensions")]
        configuration.options.maximumConnections = maximumConnections
        configuration.options.connectTimeout = .seconds(5)
        return configuration
    }

    static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "***"
        return components.string ?? "<url>"
    }
}
