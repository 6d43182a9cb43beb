import Contracts
import Foundation

/// Where a page of a list ends: the last row's time in microseconds and its id, written
/// `<microseconds>.<id>`. Rows are ordered by (position, id), so ties in time never skip a row, and
/// any well-formed cursor is a valid place to continue from (a keyset, not a server-side state).
public struct Cursor: Equatable, Sendable {
    public var position: Int64
    public var id: String

    public static let defaultLimit = 20
    public static let limits = 1...100

    /// Sorts after every row: where a newest-first list starts.
    public static let end = Cursor(position: .max, id: "~")
    /// Sorts before every row: where an oldest-first list starts.
    public static let start = Cursor(position: .min, id: "")

    /// The page size and the cursor to continue after, or `validation-failed` naming the bad parameter.
    public static func read(_ page: PageRequest, newestFirst: Bool = true) throws -> (limit: Int, after: Cursor) {
        var checks = FieldChecks()
        let limit = page.limit ?? defaultLimit
        if !limits.contains(limit) { checks.fail("limit", "must be from \(limits.lowerBound) to \(limits.upperBound)") }
        var after = newestFirst ? end : start
        if let text = page.cursor {
            if let cursor = Cursor(text) { after = cursor } else { checks.fail("cursor", "must be a nextCursor this list gave out") }
        }
        try checks.finish()
        return (limit, after)
    }

    /// `rows` holds up to `limit + 1` rows; the extra one only says that another page exists.
    public static func page<Item>(_ rows: [(Item, Cursor)], limit: Int) -> Page<Item> {
        let items = rows.prefix(limit)
        let next = rows.count > limit ? items.last.map { $0.1.encoded } : nil
        return Page(items: items.map(\.0), nextCursor: next)
    }

    public init(position: Int64, id: String) {
        self.position = position
        self.id = id
    }

    /// Parses `<microseconds>.<id>`: an optional `-` and 1 to 18 digits (so it always fits), then
    /// 1 to 40 of `0-9a-z-`.
    public init?(_ text: String) {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        let digits = parts[0].hasPrefix("-") ? parts[0].dropFirst() : parts[0]
        guard (1...18).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }),
              let position = Int64(parts[0]), (1...40).contains(parts[1].count),
              parts[1].allSatisfy({ $0.isASCII && ($0.isNumber || $0.isLowercase || $0 == "-") })
        else { return nil }
        self.init(position: position, id: String(parts[1]))
    }

    public var encoded: String { "\(position).\(id)" }
}
