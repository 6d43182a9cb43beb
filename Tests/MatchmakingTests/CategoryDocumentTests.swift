import Foundation
@testable import Matchmaking
import Testing

/// The OpenAPI document lists the category ids (`CategoryID`) so clients and the fuzzer send only
/// those: it must list exactly the shipped tree's.
@Suite struct CategoryDocumentTests {
    @Test func theDocumentListsExactlyTheShippedCategories() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "../../Services/Gateway/Gateway/OpenAPI/openapi.yaml").standardized
        let yaml = try String(contentsOf: path, encoding: .utf8)
        let block = try #require(yaml.components(separatedBy: "    CategoryID:\n").dropFirst().first?.components(separatedBy: "]").first)
        let documented = Set(block.matches(of: /"([a-z0-9-]+)"/).map { String($0.1) })
        #expect(documented == Set(try Categories.shipped().tree.map(\.id)))
    }
}
