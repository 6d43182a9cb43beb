import AMQPTransport
import Contracts
import Foundation
import MessageBus
import Synchronization

/// What a live socket's writer acts on, in the order it came.
enum LiveSignal: Sendable {
    /// A new entry of the person's feed, as the broker brought it.
    case entry(FeedEntry)
    /// Entries may have been missed (the broker connection came back): read the feed again.
    case resync
    /// The session ended: close with this reason.
    case close(LiveClose)
}

/// This replica's live sockets, by person. The replica has one exclusive queue on `expo.events`,
/// bound to `session-revoked` and, while someone is connected here, to that person's
/// `messaging.feed-entry-added.v1.<account>` key; so an entry reaches only the replicas holding
/// its recipient's sockets, and each of them once.
final class LiveHub: Sendable {
    /// A socket's end of its signals and the hard cut for a client that stopped reading.
    struct Member: Sendable {
        let sessionID: UUID
        let signals: AsyncStream<LiveSignal>.Continuation
        let cutOff: @Sendable () -> Void
    }

    private struct State {
        var consumer: ConsumerID?
        var sockets: [UUID: [Int: Member]] = [:]
        var nextID = 0
        /// Sessions revoked lately: a socket whose ticket was redeemed just before the event came
        /// must not stay open.
        var revoked: [UUID: ContinuousClock.Instant] = [:]
    }

    /// Signals a socket may have waiting; a client this far behind is cut off, not buffered for.
    static let backlog = 256

    let bus: MessageBus
    private let state = Mutex(State())

    init(bus: MessageBus) {
        self.bus = bus
        let consumer = bus.consumer.consume(ConsumerSpec(
            source: .exclusiveBound(exchange: PlatformTopology.eventsExchange, routingKeys: [SessionRevoked.type.rawValue]),
            prefetch: 0, autoAck: true,
            onReady: { [weak self] _ in self?.broadcast(.resync) },
            deliver: { [weak self] delivery in self?.received(delivery) }))
        state.withLock { $0.consumer = consumer }
    }

    /// Registers a socket of `session` and binds the queue to its person's entries (confirmed by
    /// the broker before this returns, so the catch-up read that follows misses nothing).
    func join(_ session: AuthenticatedSession, cutOff: @escaping @Sendable () -> Void) async -> (id: Int, signals: AsyncStream<LiveSignal>) {
        let (signals, continuation) = AsyncStream.makeStream(of: LiveSignal.self, bufferingPolicy: .bufferingOldest(Self.backlog))
        let (id, consumer, revoked) = state.withLock { state in
            state.nextID += 1
            state.sockets[session.accountID, default: [:]][state.nextID] = Member(sessionID: session.sessionID, signals: continuation, cutOff: cutOff)
            return (state.nextID, state.consumer, state.revoked[session.sessionID] != nil)
        }
        if revoked { continuation.yield(.close(.sessionEnded)) }
        if let consumer { await bus.consumer.bind(consumer, routingKey: FeedEntryAdded.routingKey(for: session.accountID), bound: true) }
        return (id, signals)
    }

    /// Forgets a closed socket and lets go of its binding.
    func leave(_ id: Int, account: UUID) async {
        let consumer = state.withLock { state in
            state.sockets[account]?[id]?.signals.finish()
            state.sockets[account]?[id] = nil
            if state.sockets[account]?.isEmpty == true { state.sockets[account] = nil }
            return state.consumer
        }
        if let consumer { await bus.consumer.bind(consumer, routingKey: FeedEntryAdded.routingKey(for: account), bound: false) }
    }

    private func received(_ delivery: Delivery) {
        switch delivery.properties.type.map({ MessageType($0) }) {
        case FeedEntryAdded.type?:
            guard let event = try? MessageCodec.decode(FeedEntryAdded.self, from: delivery.body) else { return }
            send(.entry(event.entry), to: state.withLock { Array(($0.sockets[event.accountID] ?? [:]).values) })
        case SessionRevoked.type?:
            guard let event = try? MessageCodec.decode(SessionRevoked.self, from: delivery.body) else { return }
            let members = state.withLock { state in
                let now = ContinuousClock.now
                state.revoked = state.revoked.filter { now - $0.value < .seconds(120) }
                state.revoked[event.sessionID] = now
                return (state.sockets[event.accountID] ?? [:]).values.filter { $0.sessionID == event.sessionID }
            }
            send(.close(.sessionEnded), to: members)
        default:
            break
        }
    }

    private func broadcast(_ signal: LiveSignal) {
        send(signal, to: state.withLock { $0.sockets.values.flatMap(\.values) })
    }

    private func send(_ signal: LiveSignal, to members: [Member]) {
        for member in members {
            if case .dropped = member.signals.yield(signal) { member.cutOff() }
        }
    }
}
