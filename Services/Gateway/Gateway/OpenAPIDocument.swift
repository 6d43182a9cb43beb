import Foundation
import Hummingbird
import Yams

/// The API's OpenAPI document, kept as YAML in the repository and served as YAML and JSON.
public struct OpenAPIDocument: Sendable {
    public let yaml: String
    public let json: Data
    /// The documented methods of each path template, e.g. `/v1/me/sessions/{id}`: ["DELETE"].
    public let methods: [String: Set<String>]

    public init() throws {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml", subdirectory: "OpenAPI") else {
            throw CocoaError(.fileNoSuchFile)
        }
        yaml = try String(contentsOf: url, encoding: .utf8)
        let object = try Yams.load(yaml: yaml) ?? [:]
        json = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        let paths = (object as? [String: Any])?["paths"] as? [String: Any] ?? [:]
        let verbs: Set<String> = ["get", "put", "post", "delete", "patch", "head", "options"]
        methods = paths.mapValues { item in Set(((item as? [String: Any])?.keys).map { $0.filter(verbs.contains).map { $0.uppercased() } } ?? []) }
    }

    func addRoutes(to router: Router<GatewayContext>) {
        let (yaml, json) = (yaml, json)
        router.get("/openapi.yaml") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/yaml"], body: .init(byteBuffer: ByteBuffer(string: yaml)))
        }
        router.get("/openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: json)))
        }
    }

    /// The documented methods of the path template `path` falls under, or nil if none does.
    func methods(for path: String) -> Set<String>? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        for (template, methods) in self.methods {
            let parts = template.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == segments.count else { continue }
            if zip(parts, segments).allSatisfy({ part, segment in part == segment || (part.hasPrefix("{") && !segment.isEmpty) }) {
                return methods
            }
        }
        return nil
    }
}
