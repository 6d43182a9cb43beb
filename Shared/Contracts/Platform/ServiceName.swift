/// The platform's processes. Every service owns one schema and one `<service>.rpc` queue.
public enum ServiceName: String, Sendable, CaseIterable, Codable, Hashable {
    case gateway
    case accounts
    case matchmaking
    case messaging
    case marketing
    case complaints
    case dataRights = "data-rights"

    /// The services behind the gateway, which answer requests.
    public static let backends: [ServiceName] = allCases.filter { $0 != .gateway }

    /// The PostgreSQL role and schema the service owns (identifiers cannot hold a dash).
    public var schema: String { rawValue.replacingOccurrences(of: "-", with: "_") }

    /// The prefix of its environment variables, e.g. `EXPO_DATA_RIGHTS_`.
    public var environmentPrefix: String { "EXPO_\(schema.uppercased())_" }
}
