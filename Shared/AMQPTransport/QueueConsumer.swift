import Foundation
import Logging
import ServiceLifecycle

/// Consumes one queue with bounded concurrency (the prefetch) and settles each delivery only after
/// its handler has finished, so work the handler committed is acknowledged and nothing else is.
///
/// On graceful shutdown it cancels the consumer, lets in-flight handlers finish, settles them and
/// returns; the connection must outlive it (list it before the consumer in the `ServiceGroup`).
public final class QueueConsumer: Service, Sendable {
    public enum Disposition: Sendable, Equatable {
        /// Done: the broker forgets the message.
        case ack
        /// Try again later (the queue's delivery limit bounds how often).
        case requeue
        /// Give up now: the message goes to the dead-letter exchange with the reason attached.
        case deadLetter(reason: String)
        /// Done once `reply` is written: it goes out on the publishing connection, unconfirmed,
        /// before the delivery is acknowledged, and no task waits for either.
        case reply(OutgoingMessage)
    }

    public typealias Handler = @Sendable (Delivery) async -> Disposition

    /// Headers a dead-lettered copy carries.
    public static let reasonHeader = "x-expo-dead-letter-reason"
    public static let originalRoutingKeyHeader = "x-expo-original-routing-key"

    private let queue: String
    private let prefetch: UInt16
    private let connection: AMQPConnection
    private let publisher: AMQPConnection
    private let deadLetterExchange: String
    private let logger: Logger
    private let handler: Handler
    private let inFlight = InFlightTasks()

    public init(
        queue: String, prefetch: UInt16, connection: AMQPConnection, publisher: AMQPConnection,
        deadLetterExchange: String, logger: Logger, handler: @escaping Handler
    ) {
        self.queue = queue
        self.prefetch = prefetch
        self.connection = connection
        self.publisher = publisher
        self.deadLetterExchange = deadLetterExchange
        self.logger = logger
        self.handler = handler
    }

    public func run() async throws {
        let inFlight = self.inFlight
        let consumer = connection.consume(ConsumerSpec(source: .queue(queue), prefetch: prefetch) { delivery in
            inFlight.start { await self.process(delivery) }
        })
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await inFlight.untilStopped()
            } onGracefulShutdown: {
                inFlight.stop(cancelling: false)
            }
        } onCancel: {
            inFlight.stop(cancelling: true)
        }
        // Stop the flow first, then let the deliveries being handled finish and settle.
        await connection.cancel(consumer)
        await inFlight.drained()
        await connection.release(consumer)
        logger.info("consumer stopped", metadata: ["queue": "\(queue)"])
    }

    private func process(_ delivery: Delivery) async {
        switch await handler(delivery) {
        case .ack:
            connection.ack(delivery)
        case .requeue:
            connection.reject(delivery, requeue: true)
        case .reply(let message):
            // Shutdown waits for the ack too: sent after the channel closed, it would be lost and
            // the request handled again elsewhere.
            let settled = inFlight.hold()
            publisher.send(message) { [connection, logger] error in
                // The caller will time out; doing the work again on a redelivery would be worse.
                if let error { logger.warning("could not send reply", metadata: ["error": "\(error)"]) }
                connection.ack(delivery)
                settled()
            }
        case .deadLetter(let reason):
            logger.error("dead-lettering message", metadata: [
                "queue": "\(queue)", "type": "\(delivery.properties.type ?? "-")",
                "messageID": "\(delivery.properties.messageID ?? "-")", "reason": "\(reason)"])
            var properties = delivery.properties
            properties.headers[Self.reasonHeader] = .string(String(reason.prefix(1000)))
            properties.headers[Self.originalRoutingKeyHeader] = .string(delivery.routingKey)
            properties.persistent = true
            properties.expirationMilliseconds = nil
            do {
                try await publisher.publish(
                    OutgoingMessage(exchange: deadLetterExchange, routingKey: queue, body: delivery.body, properties: properties),
                    confirm: true)
                connection.ack(delivery)
            } catch {
                // Not safely parked: keep the original, it comes back later.
                connection.reject(delivery, requeue: true)
            }
        }
    }
}
