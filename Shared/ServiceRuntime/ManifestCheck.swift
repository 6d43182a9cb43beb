import Contracts

/// A backend whose handlers differ from its manifest: caught at start-up, naming the difference,
/// instead of as a 504 for a request nobody handles or an event parked in the DLQ.
public struct ManifestMismatch: Error, CustomStringConvertible {
    public let description: String

    /// Throws unless the definition handles exactly the requests, events and commands the manifest declares.
    static func check(_ definition: BackendDefinition, against manifest: ServiceManifest) throws {
        let differences = [
            ServiceManifest.difference("requests", declared: manifest.requestTypes, handled: definition.requests.types),
            ServiceManifest.difference("events", declared: manifest.subscribedTypes, handled: definition.events.types),
            ServiceManifest.difference("commands", declared: manifest.commandTypes, handled: definition.commands.types),
        ].compactMap { $0 }
        guard differences.isEmpty else {
            throw ManifestMismatch(description: "\(manifest.service.rawValue): \(differences.joined(separator: "; "))")
        }
    }
}
