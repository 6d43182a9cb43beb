/// An error from the AMQP transport, shaped like PostgresNIO's: a stable `code` to match on and a
/// human-readable `detail` for logs.
public struct AMQPError: Error, Sendable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The broker URL could not be parsed.
        public static let invalidURL = Code("invalid-url")
        /// Opening the socket, the TLS handshake or the AMQP login failed.
        public static let connectionFailed = Code("connection-failed")
        /// The connection died while the operation was in flight (socket error, missed heartbeats, broker close).
        public static let connectionLost = Code("connection-lost")
        /// There is no connection right now; the caller should fail fast rather than wait.
        public static let notConnected = Code("not-connected")
        /// The broker refused to take responsibility for a published message (basic.nack).
        public static let publishNacked = Code("publish-nacked")
        /// An RPC got no reply before its deadline.
        public static let rpcTimeout = Code("rpc-timeout")
        /// The broker answered an AMQP method with an error (e.g. a declare with conflicting arguments).
        public static let brokerRefused = Code("broker-refused")
        /// The connection is stopping or stopped.
        public static let shutdown = Code("shutdown")
    }

    public let code: Code
    public let detail: String

    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "AMQPError(\(code)): \(detail)" }

    /// `error` itself if it is one, else a lost connection that says what happened.
    static func wrapping(_ error: any Error) -> AMQPError {
        (error as? AMQPError) ?? AMQPError(.connectionLost, "\(error)")
    }
}
