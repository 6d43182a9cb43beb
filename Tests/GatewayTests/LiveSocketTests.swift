import Contracts
import Foundation
@testable import Gateway
import Testing
import TestSupport

/// A live socket's ordering against an in-memory feed: whatever order and repetition the broker
/// brings entries in, the client sees each stored entry once, by cursor.
@Suite struct LiveSocketTests {
    /// A person's stored feed, from `first` (older ones removed by retention) to `head`.
    final class Feed: Sendable {
        let stored = LockedBox<[FeedEntry]>([])
        let written = LockedBox<[String]>([])

        func add(_ cursors: ClosedRange<Int64>) -> [FeedEntry] {
            let entries = cursors.map { FeedEntry(type: "message.created", cursor: $0, data: #"{"n":\#($0)}"#, createdAt: Date()) }
            stored.mutate { $0 += entries }
            return entries
        }

        func socket() -> LiveSocket {
            LiveSocket(write: { frame in self.written.mutate { $0.append(frame) } }) { after in
                let entries = self.stored.value
                let head = entries.last?.cursor ?? 0
                guard let after else { return FeedPage(entries: [], head: head) }
                return FeedPage(entries: Array(entries.filter { $0.cursor > after }.prefix(LiveSocket.pageSize)), head: head)
            }
        }

        /// (type, cursor) of each frame written.
        var frames: [(String, Int64)] {
            written.value.map { text in
                let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
                return (object["type"] as? String ?? "?", Int64(object["cursor"] as? Int ?? -1))
            }
        }
    }

    @Test func duplicatesAreDroppedAndGapsFilledFromTheStore() async throws {
        let feed = Feed()
        _ = feed.add(1...3)
        var socket = feed.socket()
        try await socket.start(since: 1)
        let later = feed.add(4...6)
        // 6 arrives before 4 and 5; then all three again.
        for entry in [later[2], later[0], later[1], later[2]] { try await socket.received(entry) }
        #expect(feed.frames.map(\.1) == [2, 3, 3, 4, 5, 6])
        #expect(feed.frames.map(\.0) == ["message.created", "message.created", "live.ready", "message.created", "message.created", "message.created"])
    }

    @Test func withoutSinceOnlyNewEntriesCome() async throws {
        let feed = Feed()
        _ = feed.add(1...5)
        var socket = feed.socket()
        try await socket.start(since: nil)
        let new = feed.add(6...6)
        try await socket.received(new[0])
        #expect(feed.frames.map(\.0) == ["live.ready", "message.created"])
        #expect(feed.frames.map(\.1) == [5, 6])
    }

    @Test func aLongAbsenceIsReadInPagesAndRemovedEntriesAreAnnounced() async throws {
        let feed = Feed()
        _ = feed.add(1...600)
        feed.stored.mutate { $0.removeFirst(99) }  // retention removed 1...99
        var socket = feed.socket()
        try await socket.start(since: 10)
        let frames = feed.frames
        #expect(frames.first! == ("feed.reset", 99))
        #expect(frames.dropFirst().dropLast().map(\.1) == Array(100...600))
        #expect(frames.last! == ("live.ready", 600))
    }

    @Test func aSinceAheadOfTheFeedResetsToItsHead() async throws {
        let feed = Feed()
        _ = feed.add(1...2)
        var socket = feed.socket()
        try await socket.start(since: 40)
        #expect(feed.frames.map(\.0) == ["feed.reset", "live.ready"])
        #expect(socket.last == 2)
    }

    @Test func framesCarryTheStoredDataAsJSON() throws {
        let frame = LiveSocket.frame(type: "notification", cursor: 7, data: #"{"title":"RFQ \"pumps\" matched"}"#)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(frame.utf8)) as? [String: Any])
        #expect(object["type"] as? String == "notification" && object["cursor"] as? Int == 7)
        #expect((object["data"] as? [String: Any])?["title"] as? String == #"RFQ "pumps" matched"#)
    }
}
