import Contracts
import Foundation
import MessageBus
import NIOWebSocket

/// Why the gateway closes a live socket, as the close frame says it.
struct LiveClose: Sendable, Equatable {
    let code: WebSocketErrorCode
    let reason: String

    static let sessionEnded = LiveClose(code: .policyViolation, reason: "session ended")
    static let sessionExpired = LiveClose(code: .policyViolation, reason: "session expired")
    static let badFrame = LiveClose(code: .unacceptableData, reason: "clients send only JSON text frames")
    /// 1013 "try again later": the client reconnects with `since` and misses nothing.
    static let feedUnavailable = LiveClose(code: .unknown(1013), reason: "live feed unavailable, reconnect with since")
}

/// One open socket: it writes the person's feed entries in cursor order, each once. Entries come
/// from the broker as they are added; whenever one is missing (the socket's `since`, a broker
/// reconnect, two entries published out of order) the gap is read from the messaging service.
struct LiveSocket {
    static let pageSize = 200

    /// Writes one text frame to the client.
    let write: @Sendable (String) async throws -> Void
    /// Reads the feed after a cursor (nil: just its head).
    let readFeed: @Sendable (Int64?) async throws -> FeedPage
    /// The cursor of the last entry written.
    private(set) var last: Int64 = 0

    init(write: @escaping @Sendable (String) async throws -> Void, readFeed: @escaping @Sendable (Int64?) async throws -> FeedPage) {
        self.write = write
        self.readFeed = readFeed
    }

    /// Starts after `since`, or at the feed's head for a client that has seen nothing yet, and
    /// says so with a `live.ready` frame carrying the cursor the client is now at.
    mutating func start(since: Int64?) async throws {
        if let since {
            last = since
            try await catchUp()
        } else {
            last = try await readFeed(nil).head
        }
        try await write(Self.frame(type: "live.ready", cursor: last, data: "{}"))
    }

    /// Writes a new entry, or the gap before it first; an entry already written is dropped.
    mutating func received(_ entry: FeedEntry) async throws {
        if entry.cursor <= last { return }
        if entry.cursor == last + 1 { return try await send(entry) }
        try await catchUp()
    }

    /// Writes every stored entry after `last`. Entries the retention already removed are
    /// announced with one `feed.reset` frame (the client reloads its lists) instead of silence.
    mutating func catchUp() async throws {
        while true {
            let page = try await readFeed(last)
            if page.head < last { try await reset(to: page.head) }
            for entry in page.entries {
                if entry.cursor > last + 1 { try await reset(to: entry.cursor - 1) }
                try await send(entry)
            }
            if page.entries.count < Self.pageSize { return }
        }
    }

    private mutating func send(_ entry: FeedEntry) async throws {
        try await write(Self.frame(type: entry.type, cursor: entry.cursor, data: entry.data))
        last = entry.cursor
    }

    private mutating func reset(to cursor: Int64) async throws {
        try await write(Self.frame(type: "feed.reset", cursor: cursor, data: "{}"))
        last = cursor
    }

    /// `{"type":…,"cursor":…,"data":…}` with the entry's JSON as it was stored.
    static func frame(type: String, cursor: Int64, data: String) -> String {
        let quotedType = String(decoding: (try? MessageCodec.encode(type)) ?? Data("\"\"".utf8), as: UTF8.self)
        return #"{"type":\#(quotedType),"cursor":\#(cursor),"data":\#(data)}"#
    }
}
