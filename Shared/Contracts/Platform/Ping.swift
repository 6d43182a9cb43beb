/// Liveness over the broker: every service answers `<service>.ping.v1` (see `MessageType.ping`).
public struct Ping: Codable, Sendable {
    public init() {}
}

public struct Pong: Codable, Sendable, Equatable {
    public var service: ServiceName
    /// Which replica answered, so a caller can see requests spread across replicas.
    public var instance: String
    public var version: String
    public var uptimeSeconds: Double
    /// Whether the replica's own dependencies (its database) are usable.
    public var ready: Bool

    public init(service: ServiceName, instance: String, version: String, uptimeSeconds: Double, ready: Bool) {
        self.service = service
        self.instance = instance
        self.version = version
        self.uptimeSeconds = uptimeSeconds
        self.ready = ready
    }
}
