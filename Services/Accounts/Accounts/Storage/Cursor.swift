import Contracts
import Foundation

/// Where a page of a list ends: the last row's time (microseconds) and id, opaque to clients
/// (base64url JSON). Rows are ordered by (position, id), so ties in time never skip a row.
struct Cursor: Codable, Equatable {
    var position: Int64
    var id: String

    static let defaultLimit = 20
    static let limits = 1...100

    /// Sorts after every row: where a newest-first list starts.
    static let end = Cursor(position: .max, id: "~")
    /// Sorts before every row: where an oldest-first list starts.
    static let start = Cursor(position: .min, id: "")

    /// The page size and the cursor to continue after, or `validation-failed` naming the bad parameter.
    static func read(_ page: PageRequest, newestFirst: Bool = true) throws -> (limit: Int, after: Cursor) {
        var checks = FieldChecks()
        let limit = page.limit ?? defaultLimit
        if !limits.contains(limit) { checks.fail("limit", "must be from \(limits.lowerBound) to \(limits.upperBound)") }
        var after = newestFirst ? end : start
        if let text = page.cursor {
            if let cursor = decode(text) { after = cursor } else { checks.fail("cursor", "is not a cursor this list gave out") }
        }
        try checks.finish()
        return (limit, after)
    }

    /// `rows` holds up to `limit + 1` rows; the extra one only says that another page exists.
    static func page<Item>(_ rows: [(Item, Cursor)], limit: Int) -> Page<Item> {
        let items = rows.prefix(limit)
        let next = rows.count > limit ? items.last.map { $0.1.encoded } : nil
        return Page(items: items.map(\.0), nextCursor: next)
    }

    var encoded: String {
        ((try? JSONEncoder().encode(self)) ?? Data()).base64URLEncoded
    }

    static func decode(_ text: String) -> Cursor? {
        guard text.utf8.count <= 256 else { return nil }
        guard let data = Data(base64URLEncoded: text), let cursor = try? JSONDecoder().decode(Cursor.self, from: data),
              cursor.id.utf8.count <= 64, !cursor.id.contains("\0")
        else { return nil }
        return cursor
    }
}
