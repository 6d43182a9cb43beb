import Foundation
import HummingbirdWSClient
import Logging
import Synchronization
import TestSupport

/// The benchmark's browsers: WebSocket clients of `GET /v1/live`, each opened with a fresh ticket
/// of its owner's session, ready once `live.ready` arrives, and open until the gateway goes away.
/// Every text frame after that goes to `onFrame` with the instant it arrived.
final class LiveSockets: Sendable {
    typealias FrameHandler = @Sendable (_ owner: Int, _ text: String, _ arrived: ContinuousClock.Instant) -> Void

    private let port: Int
    private let onFrame: FrameHandler
    private let logger: Logger
    private let connections = Mutex<[Task<Void, Never>]>([])
    private let openCount = Atomic<Int>(0)

    init(port: Int, logger: Logger, onFrame: @escaping FrameHandler) {
        self.port = port
        self.logger = logger
        self.onFrame = onFrame
    }

    /// Sockets that are ready and not closed.
    var open: Int { openCount.load(ordering: .relaxed) }

    /// Opens one socket for `token` and returns when it is ready.
    func open(owner: Int, token: String) async throws {
        let ticket = try await http("POST", "http://127.0.0.1:\(port)/v1/live/tickets", token: token)
        guard ticket.status == 201, let value = ticket["ticket"] as? String else {
            throw TestFailure("no live ticket: \(ticket.status) \(ticket.json)")
        }
        let (ready, readiness) = AsyncStream.makeStream(of: Void.self)
        let url = "ws://127.0.0.1:\(port)/v1/live?ticket=\(value)"
        let connection = Task {
            _ = try? await WebSocketClient.connect(url: url, logger: self.logger) { inbound, _, _ in
                var wasReady = false
                defer { if wasReady { self.openCount.subtract(1, ordering: .relaxed) } }
                for try await message in inbound.messages(maxSize: 1 << 16) {
                    guard case .text(let text) = message else { continue }
                    if wasReady {
                        self.onFrame(owner, text, .now)
                    } else if text.contains("\"live.ready\"") {
                        wasReady = true
                        self.openCount.add(1, ordering: .relaxed)
                        readiness.yield()
                    }
                }
            }
            readiness.finish()
        }
        connections.withLock { $0.append(connection) }
        for await _ in ready { return }
        throw TestFailure("a live socket closed before it was ready")
    }

    /// Opens `owners.count` sockets, `parallel` at a time.
    func open(_ owners: [(owner: Int, token: String)], parallel: Int) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, entry) in owners.enumerated() {
                if index >= parallel { try await group.next() }
                group.addTask { try await self.open(owner: entry.owner, token: entry.token) }
            }
            try await group.waitForAll()
        }
    }

    /// Waits for every connection to end (the gateway closed them or was stopped).
    func waitUntilClosed() async {
        for connection in connections.withLock({ $0 }) { await connection.value }
    }
}
