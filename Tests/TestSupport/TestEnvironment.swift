import AMQPTransport
import Foundation
import Logging

/// Where the integration tests find the real broker, database and built executables: the
/// variables `deploy/stack test` exports.
public enum TestEnvironment {
    public static var amqpURL: String { value("EXPO_AMQP_URL") }
    /// The broker's TLS listener, peer verified against the stack's CA.
    public static var amqpsURL: String { value("EXPO_AMQPS_URL") }
    /// The stack's `ca.pem` and `other-ca.pem` (a CA that signed nothing).
    public static var amqpTLSDirectory: String { value("EXPO_AMQP_TLS_DIR") }
    public static var postgresURL: String { value("EXPO_POSTGRES_URL") }
    public static var adminPostgresURL: String { value("EXPO_POSTGRES_ADMIN_URL") }
    public static var stack: String { value("EXPO_STACK") }
    public static var binPath: String { value("EXPO_BIN_PATH") }
    public static var smtpURL: String { value("EXPO_SMTP_URL") }
    public static var mailSinkFolder: String { value("EXPO_MAIL_SINK_DIR") }
    /// The stack's Python, with the sink's packages and an independent DKIM verifier (dkimpy).
    public static var python: String { value("EXPO_STACK_PYTHON") }

    public static var amqp: AMQPConfiguration {
        var configuration = try! AMQPConfiguration(url: amqpURL)
        configuration.reconnectMaximum = .milliseconds(500)
        return configuration
    }

    public static func logger(_ label: String) -> Logger {
        var logger = Logger(label: label)
        logger.logLevel = ProcessInfo.processInfo.environment["EXPO_TEST_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .warning
        return logger
    }

    private static func value(_ name: String) -> String {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
            fatalError("\(name) is not set: run the tests with `deploy/stack test`, which starts the broker and database")
        }
        return value
    }
}

/// A short unique suffix for queue, schema and instance names, so tests never share state.
public func uniqueName(_ prefix: String) -> String {
    "\(prefix)_\(UUID().uuidString.prefix(8).lowercased())"
}

/// Polls `condition` until it holds or `timeout` passes; tests wait on behaviour, not on sleeps.
public func eventually(
    timeout: Duration = .seconds(20), interval: Duration = .milliseconds(100), _ condition: () async throws -> Bool
) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: interval)
    }
    return try await condition()
}
