import AMQPTransport
import Contracts
import Foundation
import Logging

/// The event handlers of one service, keyed by event type. Persistence wraps them so each runs in
/// a transaction with the inbox record that makes redeliveries no-ops.
public struct EventHandlers: Sendable {
    public typealias RawHandler = @Sendable (IncomingMessage, Logger) async throws -> Void

    private(set) var handlers: [MessageType: RawHandler] = [:]

    public init() {}

    public mutating func register(_ type: MessageType, _ handler: @escaping RawHandler) {
        precondition(handlers[type] == nil, "two handlers for \(type)")
        handlers[type] = handler
    }

    public mutating func register<Event: EventContract>(
        _: Event.Type, _ handler: @escaping @Sendable (Event, IncomingMessage, Logger) async throws -> Void
    ) {
        register(Event.type) { message, logger in try await handler(try message.decode(Event.self), message, logger) }
    }

    public var types: [MessageType] { Array(handlers.keys) }
    public var isEmpty: Bool { handlers.isEmpty }

    public func handler(for type: MessageType) -> RawHandler? { handlers[type] }
}

/// A handler's failure because the event came before one it builds on (several are handled at
/// once, so order is not guaranteed): on its first delivery it is retried in place, uncounted, for
/// up to `EventConsumer.patience`; after that, and on redeliveries, it counts like any failure.
public protocol ArrivedTooEarly: Error {}

/// Serves a service's `<service>.events` queue. A failing handler's message is retried until the
/// delivery limit, then parked in the DLQ with the reason; unreadable messages are parked at once.
public enum EventConsumer {
    /// How long an event that `ArrivedTooEarly` waits for its predecessor before it counts as failed.
    public static let patience = Duration.seconds(60)
    /// How long one attempt of a handler may take before it is abandoned as stalled and tried again.
    public static let stallLimit = Duration.seconds(20)

    /// `isTransient` recognises failures of the infrastructure (e.g. no database): those, and an
    /// attempt that stalled past `stallLimit`, are retried in place with backoff, holding the
    /// delivery, and never count toward the limit, so an outage parks no event in the DLQ.
    public static func consumer(
        queue: String, handlers: EventHandlers, bus: MessageBus, prefetch: UInt16,
        deliveryLimit: Int = PlatformTopology.eventDeliveryLimit,
        isTransient: @escaping @Sendable (any Error) -> Bool = { _ in false }, logger: Logger
    ) -> QueueConsumer {
        QueueConsumer(
            queue: queue, prefetch: prefetch, connection: bus.consumer, publisher: bus.publisher,
            deadLetterExchange: PlatformTopology.deadLetterExchange, logger: logger
        ) { delivery in
            await handle(delivery, handlers: handlers, deliveryLimit: deliveryLimit, isTransient: isTransient, logger: logger)
        }
    }

    static func handle(
        _ delivery: Delivery, handlers: EventHandlers, deliveryLimit: Int, isTransient: @Sendable (any Error) -> Bool, logger: Logger
    ) async -> QueueConsumer.Disposition {
        do {
            return await handle(
                try IncomingMessage(delivery), handlers: handlers, deliveryLimit: deliveryLimit, isTransient: isTransient, logger: logger)
        } catch {
            return .deadLetter(reason: error.description)
        }
    }

    /// What to do with one event: its handler's verdict, retries bounded by `deliveryLimit`.
    public static func handle(
        _ message: IncomingMessage, handlers: EventHandlers, deliveryLimit: Int,
        isTransient: @Sendable (any Error) -> Bool = { _ in false }, patience: Duration = EventConsumer.patience,
        stallLimit: Duration = EventConsumer.stallLimit, logger: Logger
    ) async -> QueueConsumer.Disposition {
        guard let handler = handlers.handler(for: message.type) else {
            return .deadLetter(reason: "no handler for \(message.type)")
        }
        var logger = logger
        logger[metadataKey: "correlation_id"] = "\(message.correlationID)"
        logger[metadataKey: "type"] = "\(message.type)"
        var backoff = Duration.milliseconds(200)
        let started = ContinuousClock.now
        while true {
            do {
                try await withTimeLimit(stallLimit) { [logger] in try await handler(message, logger) }
                return .ack
            } catch let problem as Problem where problem.code == .badRequest {
                return .deadLetter(reason: problem.description)
            } catch where isTransient(error) || error is TimeLimitExceeded
                || (error is any ArrivedTooEarly && message.previousDeliveries == 0 && ContinuousClock.now - started < patience) {
                // Shutting down: hand the event back for another replica.
                if Task.isCancelled { return .requeue }
                logger.warning("event handler waits", metadata: ["error": "\(error)", "retryIn": "\(backoff)"])
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(5))
            } catch {
                let attempts = message.previousDeliveries + 1
                logger.warning("event handler failed", metadata: ["attempt": "\(attempts)", "error": "\(error)"])
                return attempts >= deliveryLimit ? .deadLetter(reason: "failed \(attempts) times: \(error)") : .requeue
            }
        }
    }
}
