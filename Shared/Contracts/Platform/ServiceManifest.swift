/// One service's messages: the requests it answers, the commands it takes from outside the
/// platform, the events it publishes and those it subscribes to, and whether it holds personal data (then it answers the data-rights requests of
/// `PersonalDataOperation` too). The topology is computed from the manifests, and a backend whose
/// registered handlers differ from its manifest refuses to start, so the lists cannot drift apart.
public struct ServiceManifest: Sendable {
    public let service: ServiceName
    public let holdsPersonalData: Bool
    public let requests: [any RequestContract.Type]
    public let commands: [any CommandContract.Type]
    public let publishes: [any EventContract.Type]
    public let subscribes: [any EventContract.Type]

    public init(
        _ service: ServiceName, holdsPersonalData: Bool, requests: [any RequestContract.Type] = [],
        commands: [any CommandContract.Type] = [], publishes: [any EventContract.Type] = [], subscribes: [any EventContract.Type] = []
    ) {
        self.service = service
        self.holdsPersonalData = holdsPersonalData
        self.requests = requests
        self.commands = commands
        self.publishes = publishes
        self.subscribes = subscribes
    }

    /// Every request type bound to the service's queue: its own, `ping`, which every service
    /// answers, and the data-rights operations if it holds personal data.
    public var requestTypes: [MessageType] {
        [.ping(service)] + requests.map { $0.type }
            + (holdsPersonalData ? PersonalDataOperation.allCases.map { $0.type(of: service) } : [])
    }
    public var commandTypes: [MessageType] { commands.map { $0.type } }
    public var publishedTypes: [MessageType] { publishes.map { $0.type } }
    public var subscribedTypes: [MessageType] { subscribes.map { $0.type } }
}

extension ServiceManifest {
    /// The manifest of every backend.
    public static let all: [ServiceManifest] = [.accounts, .matchmaking, .messaging, .marketing, .complaints, .dataRights]

    public static func of(_ service: ServiceName) -> ServiceManifest {
        all.first { $0.service == service } ?? ServiceManifest(service, holdsPersonalData: false)
    }

    /// Which event types each service's `<service>.events` queue receives.
    public static var subscriptions: [ServiceName: [MessageType]] {
        Dictionary(uniqueKeysWithValues: all.map { ($0.service, $0.subscribedTypes) })
    }

    /// What is wrong between `handled` and what this manifest declares as `declared`, as a sentence
    /// naming each difference; nil when they agree.
    public static func difference(_ what: String, declared: [MessageType], handled: [MessageType]) -> String? {
        let missing = Set(declared).subtracting(handled).map(\.rawValue).sorted()
        let extra = Set(handled).subtracting(declared).map(\.rawValue).sorted()
        var parts: [String] = []
        if !missing.isEmpty { parts.append("\(what) declared in the manifest without a handler: \(missing.joined(separator: ", "))") }
        if !extra.isEmpty { parts.append("\(what) handled but missing from the manifest: \(extra.joined(separator: ", "))") }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }
}
