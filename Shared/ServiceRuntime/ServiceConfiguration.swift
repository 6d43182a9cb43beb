import AMQPTransport
import Contracts
import Foundation
import Logging
import Persistence

/// A process's settings, read from `EXPO_*` environment variables with local-stack defaults
/// (the README lists them all).
public struct ServiceConfiguration: Sendable {
    public var service: ServiceName
    /// Names this replica in logs, metrics and replies (`EXPO_INSTANCE_ID`).
    public var instance: String
    public var amqp: AMQPConfiguration
    /// The service's own schema; nil for the gateway, which owns none.
    public var database: DatabaseConfiguration?
    public var opsHost: String
    public var opsPort: Int
    public var httpHost: String
    public var httpPort: Int
    public var logLevel: Logger.Level
    /// Requests one replica works on at once (`EXPO_RPC_PREFETCH`).
    public var rpcPrefetch: UInt16
    /// Events one replica works on at once (`EXPO_EVENT_PREFETCH`).
    public var eventPrefetch: UInt16
    /// How long the gateway waits for a service's reply (`EXPO_RPC_TIMEOUT_MS`).
    public var rpcTimeout: Duration
    /// How often the retention sweeper runs (and reports what it removed).
    public var retentionInterval: Duration
    /// Largest request body the gateway accepts (`EXPO_MAX_BODY_BYTES`).
    public var maxBodyBytes: Int
    /// Origins allowed by CORS (`EXPO_CORS_ORIGINS`, comma-separated; `*` for any).
    public var corsOrigins: [String]
    /// The process that started this one and whose exit stops it (`EXPO_PARENT_PID`): a test
    /// or benchmark that is killed leaves no service behind to consume its queues.
    public var parentPID: Int?
    /// Every `EXPO_*` setting, for a service's own (e.g. accounts' session lifetimes).
    public var environment: Environment

    public static let defaultAMQPURL = "amqp://guest:guest@127.0.0.1:5682/"
    public static let defaultPostgresURL = "postgres://127.0.0.1:5442/expo"

    public init(service: ServiceName, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let env = Environment(values: environment.filter { $0.key.hasPrefix("EXPO_") })
        self.environment = env
        self.service = service
        self.instance = env["EXPO_INSTANCE_ID"] ?? "\(service.rawValue)-\(ProcessInfo.processInfo.hostName)-\(getpid())"
        let amqpURL = env["EXPO_AMQP_URL"] ?? Self.defaultAMQPURL
        do { amqp = try AMQPConfiguration(url: amqpURL) } catch let error as AMQPError {
            throw ConfigurationError("EXPO_AMQP_URL", error.detail)
        }
        if service == .gateway {
            database = nil
        } else {
            database = try Self.database(for: service, env)
        }
        opsHost = env["EXPO_OPS_HOST"] ?? "127.0.0.1"
        opsPort = try env.port("EXPO_OPS_PORT", default: 9100 + (ServiceName.allCases.firstIndex(of: service) ?? 0))
        httpHost = env["EXPO_HTTP_HOST"] ?? "127.0.0.1"
        httpPort = try env.port("EXPO_HTTP_PORT", default: 8080)
        let level = env["EXPO_LOG_LEVEL"] ?? "info"
        guard let logLevel = Logger.Level(rawValue: level) else {
            throw ConfigurationError("EXPO_LOG_LEVEL", "must be one of trace, debug, info, notice, warning, error, critical; got '\(level)'")
        }
        self.logLevel = logLevel
        rpcPrefetch = UInt16(try env.integer("EXPO_RPC_PREFETCH", default: 32, in: 1...1000))
        eventPrefetch = UInt16(try env.integer("EXPO_EVENT_PREFETCH", default: 16, in: 1...1000))
        rpcTimeout = .milliseconds(try env.integer("EXPO_RPC_TIMEOUT_MS", default: 5000, in: 10...120_000))
        retentionInterval = .seconds(try env.integer("EXPO_RETENTION_SWEEP_SECONDS", default: 3600, in: 1...86_400))
        maxBodyBytes = try env.integer("EXPO_MAX_BODY_BYTES", default: 1 << 20, in: 1024...(4 << 20))
        corsOrigins = (env["EXPO_CORS_ORIGINS"] ?? "*").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let parent = try env.integer("EXPO_PARENT_PID", default: 0, in: 0...Int(Int32.max))
        parentPID = parent == 0 ? nil : parent
    }

    /// `EXPO_<SERVICE>_POSTGRES_URL` if set; else `EXPO_POSTGRES_URL`'s server with the service's own
    /// role, whose password is `EXPO_<SERVICE>_POSTGRES_PASSWORD` (local-stack default otherwise).
    /// The schema is the service's name unless `EXPO_<SERVICE>_POSTGRES_SCHEMA` says otherwise
    /// (several environments in one database; tests on a fresh schema).
    private static func database(for service: ServiceName, _ env: Environment) throws -> DatabaseConfiguration {
        let own = service.environmentPrefix + "POSTGRES_URL"
        let schemaVariable = service.environmentPrefix + "POSTGRES_SCHEMA"
        let schema = env[schemaVariable] ?? service.schema
        guard schema.count <= 63, schema.first?.isLetter == true,
              schema.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") })
        else { throw ConfigurationError(schemaVariable, "must be a lower-case SQL identifier, got '\(schema)'") }
        do {
            if let url = env[own] { return try DatabaseConfiguration(url: url, schema: schema) }
            let base = env["EXPO_POSTGRES_URL"] ?? defaultPostgresURL
            guard var components = URLComponents(string: base) else {
                throw ConfigurationError("EXPO_POSTGRES_URL", "not a URL")
            }
            components.user = service.schema
            // Local-stack default only: production sets EXPO_<SERVICE>_POSTGRES_PASSWORD or the full URL.
            components.password = env[service.environmentPrefix + "POSTGRES_PASSWORD"] ?? "expo-local-\(service.schema)"
            return try DatabaseConfiguration(url: components.string ?? base, schema: schema)
        } catch let error as DatabaseError {
            throw ConfigurationError(env[own] == nil ? "EXPO_POSTGRES_URL" : own, error.detail)
        }
    }
}

/// Typed reads of environment variables, with errors that name the variable.
public struct Environment: Sendable {
    public let values: [String: String]

    public init(values: [String: String]) { self.values = values }

    public subscript(name: String) -> String? {
        guard let value = values[name], !value.isEmpty else { return nil }
        return value
    }

    public func integer(_ name: String, default value: Int, in range: ClosedRange<Int>) throws -> Int {
        guard let text = self[name] else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw ConfigurationError(name, "must be a whole number from \(range.lowerBound) to \(range.upperBound), got '\(text)'")
        }
        return number
    }

    public func port(_ name: String, default value: Int) throws -> Int {
        try integer(name, default: value, in: 0...65535)
    }
}
