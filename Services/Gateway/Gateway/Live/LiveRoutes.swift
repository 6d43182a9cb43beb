import Contracts
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import MessageBus
import NIOCore

/// `GET /v1/live?ticket=&since=`: the WebSocket that pushes the signed-in person's feed. The
/// ticket is redeemed before the upgrade; a request that is not upgraded reaches the HTTP route
/// instead, which says why: 422 for a bad `since`, 401 for a missing or refused ticket, 426 for a
/// request that did not ask for a WebSocket.
struct LiveRoutes: Sendable {
    static let path = "/v1/live"
    /// Client frames are not expected to be large; anything bigger closes the socket.
    static let maxClientMessage = 16 * 1024

    let hub: LiveHub
    let timeout: Duration

    /// The server's upgrade decision for any request that asks for a WebSocket.
    func shouldUpgrade(_ head: HTTPRequest, channel: any Channel) async -> ShouldUpgradeResult<WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>> {
        let uri = URI(head.path ?? "")
        guard uri.path == Self.path, let ticket = uri.queryParameters.get("ticket"), !ticket.isEmpty,
              case .success(let since) = Self.since(uri) else { return .dontUpgrade }
        let session: AuthenticatedSession
        do {
            session = try await hub.bus.call(
                RedeemLiveTicket(ticket: ticket), context: MessageContext(correlationID: UUID().uuidString), timeout: timeout)
        } catch {
            // Refused, or accounts did not answer: the client asks for a new ticket, and that
            // request shows a 503 or 504 if there is one.
            return .dontUpgrade
        }
        return .upgrade([:]) { inbound, outbound, _ in
            await serve(session, since: since, inbound: inbound, outbound: outbound, channel: channel)
        }
    }

    /// The HTTP answer to a `GET /v1/live` that was not upgraded.
    static func addHTTPAnswer(to router: Router<GatewayContext>) {
        router.get(RouterPath(Self.path)) { request, _ -> Response in
            if case .failure(let problem) = Self.since(request.uri) { throw problem }
            guard request.headers[.upgrade]?.lowercased() == "websocket" else {
                throw Problem(status: 426, code: .upgradeRequired, title: "Upgrade Required", detail: "this endpoint is a WebSocket")
            }
            throw Problem.unauthorized("the live ticket is missing, invalid, used or expired; ask for a new one with POST /v1/live/tickets")
        }
    }

    /// `since`: absent, or a cursor (a whole number from 0).
    static func since(_ uri: URI) -> Result<Int64?, Problem> {
        guard let text = uri.queryParameters.get("since"), !text.isEmpty else { return .success(nil) }
        guard text.count <= 18, text.utf8.allSatisfy({ (48...57).contains($0) }), let value = Int64(text) else {
            return .failure(.validationFailed([.init(field: "since", message: "must be the cursor of a frame received, a whole number from 0")]))
        }
        return .success(value)
    }

    /// Runs one socket until the client leaves, the session ends or expires, the client sends
    /// what it must not, or it falls too far behind.
    private func serve(
        _ session: AuthenticatedSession, since: Int64?, inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter,
        channel: any Channel
    ) async {
        let (id, signals) = await hub.join(session) { channel.close(promise: nil) }
        let actor = session.actor
        let (bus, timeout) = (hub.bus, timeout)
        let closing = await withTaskGroup(of: LiveClose?.self) { group in
            group.addTask {
                var socket = LiveSocket(write: { try await outbound.write(.text($0)) }) { after in
                    try await bus.call(ReadFeed(after: after, limit: LiveSocket.pageSize), context: MessageContext(correlationID: UUID().uuidString, actor: actor), timeout: timeout)
                }
                do {
                    try await socket.start(since: since)
                    for await signal in signals {
                        switch signal {
                        case .entry(let entry): try await socket.received(entry)
                        case .resync: try await socket.catchUp()
                        case .close(let reason): return reason
                        }
                    }
                } catch {
                    // Messaging did not answer (or the socket broke, and the close frame goes nowhere).
                    return .feedUnavailable
                }
                return nil
            }
            group.addTask {
                do {
                    for try await message in inbound.messages(maxSize: Self.maxClientMessage) {
                        guard case .text(let text) = message, (try? JSONSerialization.jsonObject(with: Data(text.utf8))) != nil else {
                            return .badFrame
                        }
                    }
                } catch {}
                return nil
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(max(0, session.expiresAt.timeIntervalSinceNow)))
                return Task.isCancelled ? nil : .sessionExpired
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        if let closing { try? await outbound.close(closing.code, reason: closing.reason) }
        await hub.leave(id, account: session.accountID)
    }
}
