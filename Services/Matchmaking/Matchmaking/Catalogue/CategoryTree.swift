import Contracts
import Foundation

/// The shipped machinery and electronics category tree (`Resources/categories.json`): ids are
/// stable slugs that products, showcases and RFQs refer to, so a node is never renamed away.
struct Categories: Sendable {
    let tree: [Category]
    private let byID: [String: Category]
    private let children: [String?: [String]]

    static func shipped() throws -> Categories {
        guard let url = Bundle.module.url(forResource: "categories", withExtension: "json", subdirectory: "Resources") else {
            throw CocoaError(.fileNoSuchFile)
        }
        return try Categories(JSONDecoder().decode([Category].self, from: Data(contentsOf: url)))
    }

    init(_ items: [Category]) throws {
        tree = items
        let byID = try Dictionary(items.map { ($0.id, $0) }) { first, _ in throw CategoryTreeError(id: first.id) }
        self.byID = byID
        children = Dictionary(grouping: items.map(\.id)) { byID[$0]?.parentID }
    }

    func contains(_ id: String) -> Bool { byID[id] != nil }

    func name(of id: String) -> String? { byID[id]?.name }

    /// The category and every category under it.
    func subtree(_ id: String) -> [String] {
        var ids = [id]
        var index = 0
        while index < ids.count {
            ids += children[ids[index]] ?? []
            index += 1
        }
        return ids
    }

    /// The categories above `id`, nearest first.
    func ancestors(of id: String) -> [String] {
        var ids: [String] = []
        var current = byID[id]?.parentID
        while let parent = current {
            ids.append(parent)
            current = byID[parent]?.parentID
        }
        return ids
    }

    /// The ancestor of `id` that is a child of `root` (a top-level category for a nil root), or nil
    /// when `id` is not below `root`.
    func branch(of id: String, under root: String?) -> String? {
        var current: String? = id
        while let node = current.flatMap({ byID[$0] }) {
            if node.parentID == root { return node.id }
            current = node.parentID
        }
        return nil
    }
}

struct CategoryTreeError: Error, CustomStringConvertible {
    let id: String
    var description: String { "the category tree holds '\(id)' twice" }
}
