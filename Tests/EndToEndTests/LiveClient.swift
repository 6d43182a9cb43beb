import Foundation
import HummingbirdWSClient
import Logging
import NIOCore
import TestSupport

/// A real WebSocket client of `GET /v1/live`, as a browser would hold one: it keeps every text
/// frame it receives, and can send a frame or close.
final class LiveClient: Sendable {
    enum Command: Sendable {
        case text(String)
        case binary
        case close
    }

    private let received = LockedBox<[String]>([])
    private let commands: AsyncStream<Command>.Continuation
    /// The server's close frame (nil if the connection ended without one), or the upgrade's failure.
    let ended: Task<WebSocketCloseFrame?, any Error>

    init(url: String) {
        let (stream, commands) = AsyncStream.makeStream(of: Command.self)
        self.commands = commands
        let received = received
        ended = Task {
            try await WebSocketClient.connect(url: url, logger: Logger(label: "live-client")) { inbound, outbound, _ in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for try await message in inbound.messages(maxSize: 1 << 20) {
                            if case .text(let text) = message { received.mutate { $0.append(text) } }
                        }
                    }
                    group.addTask {
                        for await command in stream {
                            switch command {
                            case .text(let text): try await outbound.write(.text(text))
                            case .binary: try await outbound.write(.binary(ByteBuffer(bytes: [0, 1, 2])))
                            case .close: return try await outbound.close(.normalClosure, reason: nil)
                            }
                        }
                    }
                    try await group.next()
                    group.cancelAll()
                }
            }
        }
    }

    /// Opens a socket with a fresh ticket of `token`'s session, resuming after `since`.
    static func open(_ stack: AccountsStack, token: String, since: Int? = nil, gateway: Int = 0) async throws -> LiveClient {
        let ticket = try await http("POST", stack.url("/v1/live/tickets", gateway: gateway), token: token)
        guard ticket.status == 201, let value = ticket["ticket"] as? String else { throw TestFailure("no live ticket: \(ticket.status)") }
        let query = since.map { "&since=\($0)" } ?? ""
        return LiveClient(url: "ws://127.0.0.1:\(stack.ports[gateway])/v1/live?ticket=\(value)\(query)")
    }

    /// The frames received so far, as JSON objects.
    var frames: [[String: any Sendable]] {
        received.value.map { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: any Sendable] ?? [:] }
    }

    /// The frames of one type.
    func frames(_ type: String) -> [[String: any Sendable]] { frames.filter { $0["type"] as? String == type } }

    /// The cursors received, in order.
    var cursors: [Int] { frames.compactMap { $0["cursor"] as? Int } }

    /// Waits until `condition` holds for the frames received.
    func wait(timeout: Duration = .seconds(20), until condition: @escaping ([[String: any Sendable]]) -> Bool) async throws {
        let met = await eventually(timeout: timeout, interval: .milliseconds(50)) { condition(frames) }
        guard met else { throw TestFailure("frames never matched; got \(received.value)") }
    }

    func send(_ command: Command) { commands.yield(command) }

    /// Closes from the client side and waits until the connection is gone.
    func close() async {
        commands.yield(.close)
        _ = try? await ended.value
    }

    /// Waits for the server to end the connection, and returns its close frame.
    func closedByServer(timeout: Duration = .seconds(20)) async throws -> WebSocketCloseFrame? {
        let ended = ended
        let outcome = try await withThrowingTaskGroup(of: Optional<WebSocketCloseFrame?>.self) { group in
            group.addTask { .some(try await ended.value) }
            group.addTask {
                try await Task.sleep(for: timeout)
                return .none
            }
            let first = try await group.next()!
            group.cancelAll()
            return first
        }
        guard case .some(let frame) = outcome else { throw TestFailure("the server did not close the socket within \(timeout)") }
        return frame
    }
}
