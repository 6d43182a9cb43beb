import AMQPTransport
import Contracts
import Crypto
import Foundation
import Logging
import MessageBus
import Synchronization

/// Authenticates bearer tokens with the accounts service and keeps each answer for a short while.
/// Revocations reach every gateway replica by event, on a queue of its own bound to
/// `session-revoked` and `account-roles-changed`, so a signed-out token stops working at once,
/// not when its cache entry runs out. While that queue is not consuming (no broker, reconnecting)
/// nothing is cached, because an event could be missed.
public final class SessionAuthenticator: TokenAuthenticator {
    private struct Entry {
        var actor: Actor
        var until: ContinuousClock.Instant
    }

    private struct State {
        var entries: [Data: Entry] = [:]
        var listening = false
        /// Sessions revoked within the cache lifetime: an answer in flight when the event came
        /// must not be cached afterwards.
        var revokedSessions: [UUID: ContinuousClock.Instant] = [:]
        var changedAccounts: [UUID: ContinuousClock.Instant] = [:]
    }

    private let bus: MessageBus
    private let timeout: Duration
    private let lifetime: Duration
    private let capacity: Int
    private let state = Mutex(State())

    /// `lifetime` bounds how long an answer is reused (0 disables the cache).
    public init(bus: MessageBus, timeout: Duration, lifetime: Duration = .seconds(30), capacity: Int = 50_000) {
        self.bus = bus
        self.timeout = timeout
        self.lifetime = lifetime
        self.capacity = capacity
        bus.consumer.observe { [weak self] event in
            if case .disconnected = event { self?.state.withLock { $0 = State() } }
        }
        bus.consumer.consume(ConsumerSpec(
            source: .exclusiveBound(
                exchange: PlatformTopology.eventsExchange,
                routingKeys: [SessionRevoked.type.rawValue, AccountRolesChanged.type.rawValue]),
            prefetch: 0, autoAck: true,
            onReady: { [weak self] _ in self?.state.withLock { $0.listening = true } },
            deliver: { [weak self] delivery in self?.received(delivery) }))
    }

    public func actor(forToken token: String, context: GatewayContext) async throws -> Actor? {
        let key = Data(SHA256.hash(data: Data(token.utf8)))
        let now = ContinuousClock.now
        if let entry = state.withLock({ $0.entries[key] }), entry.until > now { return entry.actor }
        let session: AuthenticatedSession
        do {
            session = try await bus.call(
                AuthenticateSession(token: token),
                context: MessageContext(correlationID: context.requestID, traceparent: context.traceparent), timeout: timeout)
        } catch let problem as Problem where problem.status == 401 {
            return nil
        }
        let actor = session.actor
        let untilExpiry = Duration.seconds(max(0, session.expiresAt.timeIntervalSinceNow))
        store(key, Entry(actor: actor, until: now + min(lifetime, untilExpiry)), askedAt: now)
        return actor
    }

    private func store(_ key: Data, _ entry: Entry, askedAt: ContinuousClock.Instant) {
        guard lifetime > .zero else { return }
        state.withLock { state in
            guard state.listening else { return }
            let sessionRevoked = entry.actor.sessionID.flatMap { state.revokedSessions[$0] }.map { $0 >= askedAt } ?? false
            let accountChanged = state.changedAccounts[entry.actor.accountID].map { $0 >= askedAt } ?? false
            guard !sessionRevoked, !accountChanged else { return }
            if state.entries.count >= capacity { Self.prune(&state, lifetime: lifetime) }
            if state.entries.count < capacity { state.entries[key] = entry }
        }
    }

    /// Forgets a session at once (this replica's own sign-out; the event does the same everywhere).
    public func forget(session sessionID: UUID) {
        state.withLock { state in
            state.revokedSessions[sessionID] = .now
            state.entries = state.entries.filter { $0.value.actor.sessionID != sessionID }
        }
    }

    private func forget(account accountID: UUID) {
        state.withLock { state in
            state.changedAccounts[accountID] = .now
            state.entries = state.entries.filter { $0.value.actor.accountID != accountID }
        }
    }

    private func received(_ delivery: Delivery) {
        switch delivery.properties.type.map({ MessageType($0) }) {
        case SessionRevoked.type?:
            if let event = try? MessageCodec.decode(SessionRevoked.self, from: delivery.body) { forget(session: event.sessionID) }
        case AccountRolesChanged.type?:
            if let event = try? MessageCodec.decode(AccountRolesChanged.self, from: delivery.body) { forget(account: event.accountID) }
        default:
            break
        }
        state.withLock { Self.prune(&$0, lifetime: lifetime) }
    }

    /// Drops expired entries and revocation marks older than any answer that could still arrive.
    private static func prune(_ state: inout State, lifetime: Duration) {
        let now = ContinuousClock.now
        state.entries = state.entries.filter { $0.value.until > now }
        state.revokedSessions = state.revokedSessions.filter { now - $0.value < lifetime + .seconds(60) }
        state.changedAccounts = state.changedAccounts.filter { now - $0.value < lifetime + .seconds(60) }
    }

    /// How many answers are cached now (for tests and metrics).
    public var cachedCount: Int { state.withLock { $0.entries.count } }
}
