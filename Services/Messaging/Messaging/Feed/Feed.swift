import Contracts
import Foundation
import MessageBus
import Persistence

/// Each person's live feed. An entry is numbered under a lock on the person's head row, so the
/// numbers follow commit order; it is stored (for sockets that resume with `since`) and emitted
/// as `FeedEntryAdded`, which reaches the gateway replicas holding that person's sockets.
enum Feed {
    static let messageCreated = "message.created"
    /// An edit: the message again, with its new text and `editedAt`.
    static let messageUpdated = "message.updated"
    static let messageRead = "message.read"
    static let notification = "notification"

    /// Appends one entry with `data` to the feeds of `accounts`, in the caller's transaction: two
    /// statements however many feeds (the entries, then their events).
    static func append(_ type: String, _ data: some Encodable, to accounts: some Sequence<UUID>, at time: Date, on transaction: Transaction) async throws {
        let json = String(decoding: try MessageCodec.encode(data), as: UTF8.self)
        // Always in the same order, so two transactions that both append to two feeds cannot deadlock.
        let ordered = Set(accounts).sorted { $0.uuidString < $1.uuidString }
        guard !ordered.isEmpty else { return }
        var numbered: [(UUID, Int64)] = []
        for try await row in try await transaction.query("""
            WITH heads AS (
                INSERT INTO feed_heads (account_id, last_cursor)
                SELECT account, 1 FROM unnest(\(ordered)::uuid[]) WITH ORDINALITY AS a(account, position) ORDER BY position
                ON CONFLICT (account_id) DO UPDATE SET last_cursor = feed_heads.last_cursor + 1
                RETURNING account_id, last_cursor
            )
            INSERT INTO feed (account_id, cursor, type, data, created_at)
            SELECT account_id, last_cursor, \(type), \(json), \(time) FROM heads
            RETURNING account_id, cursor
            """).decode((UUID, Int64).self) {
            numbered.append(row)
        }
        try await transaction.emit(numbered.map { account, cursor in
            FeedEntryAdded(accountID: account, entry: FeedEntry(type: type, cursor: cursor, data: json, createdAt: time))
        })
    }

    /// The members of the companies, who each get an entry.
    static func members(of companies: [UUID], on transaction: Transaction) async throws -> [UUID] {
        var accounts: [UUID] = []
        for try await id in try await transaction.query("SELECT account_id FROM members WHERE company_id = ANY(\(companies))").decode(UUID.self) {
            accounts.append(id)
        }
        return accounts
    }
}

extension MessagingHandlers {
    /// `messaging.read-feed.v1`: the caller's entries after a cursor, oldest first, with the head.
    @Sendable func readFeed(_ request: ReadFeed, _ context: RequestContext) async throws -> FeedPage {
        let actor = try context.caller()
        let limit = min(max(request.limit, 1), 500)
        return try await database.transaction(context) { transaction in
            var head: Int64 = 0
            for try await value in try await transaction.query("SELECT last_cursor FROM feed_heads WHERE account_id = \(actor.accountID)").decode(Int64.self) {
                head = value
            }
            guard let after = request.after else { return FeedPage(entries: [], head: head) }
            let rows = try await transaction.query("""
                SELECT type, cursor, data, created_at FROM feed WHERE account_id = \(actor.accountID) AND cursor > \(after)
                ORDER BY cursor LIMIT \(limit)
                """)
            var entries: [FeedEntry] = []
            for try await (type, cursor, data, at) in rows.decode((String, Int64, String, Date).self) {
                entries.append(FeedEntry(type: type, cursor: cursor, data: data, createdAt: at))
            }
            return FeedPage(entries: entries, head: head)
        }
    }
}
