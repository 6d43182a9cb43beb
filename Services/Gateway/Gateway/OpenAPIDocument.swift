import Foundation
import Hummingbird
import Yams

/// The API's OpenAPI document, kept as YAML in the repository and served as YAML and JSON.
public struct OpenAPIDocument: Sendable {
    public let yaml: String
    public let json: Data

    public init() throws {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml", subdirectory: "OpenAPI") else {
            throw CocoaError(.fileNoSuchFile)
        }
        yaml = try String(contentsOf: url, encoding: .utf8)
        let object = try Yams.load(yaml: yaml) ?? [:]
        json = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
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
}
