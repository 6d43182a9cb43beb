import AMQPTransport
import Contracts
import Foundation
import Logging
import Metrics

/// Serves a service's `<service>.rpc` queue: dispatches each request to its handler by type and
/// sends the reply (or the problem) to the caller's reply queue.
public enum RPCServer {
    public static func consumer(
        service: ServiceName, handlers: RPCHandlers, bus: MessageBus, prefetch: UInt16, logger: Logger
    ) -> QueueConsumer {
        let queue = PlatformTopology.rpcQueue(service)
        return QueueConsumer(
            queue: queue, prefetch: prefetch, connection: bus.consumer, publisher: bus.publisher,
            deadLetterExchange: PlatformTopology.deadLetterExchange, logger: logger
        ) { delivery in
            await handle(delivery, handlers: handlers, bus: bus, queue: queue, logger: logger)
        }
    }

    /// Answers one request delivery and says what to do with it.
    public static func handle(
        _ delivery: Delivery, handlers: RPCHandlers, bus: MessageBus, queue: String, logger: Logger
    ) async -> QueueConsumer.Disposition {
        guard let replyTo = delivery.properties.replyTo, let requestID = delivery.properties.messageID else {
            return .deadLetter(reason: "request without reply_to or message_id")
        }
        if let deadline = IncomingMessage.deadline(of: delivery), deadline <= Date() {
            logger.debug("dropping request past its deadline", metadata: ["messageID": "\(requestID)"])
            return .ack
        }
        let started = ContinuousClock.now
        let disposition: QueueConsumer.Disposition
        let reply: Result<Data, Problem>
        var logger = logger
        do throws(Problem) {
            let message = try IncomingMessage(delivery)
            logger[metadataKey: "correlation_id"] = "\(message.correlationID)"
            logger[metadataKey: "type"] = "\(message.type)"
            guard let handler = handlers.handler(for: message.type) else {
                throw Problem(status: 400, code: .unknownMessageType, title: "Unknown request type",
                              detail: "\(queue) does not handle \(message.type)")
            }
            do {
                let context = RequestContext(message: message, logger: logger)
                reply = .success(try await withTimeLimit(stallLimit(for: message)) { try await handler(context) })
                disposition = .ack
            } catch let stalled as TimeLimitExceeded {
                // Its caller gave up long ago; what matters is that the delivery is settled.
                logger.warning("request handler stalled; abandoned", metadata: ["limit": "\(stalled.limit)"])
                reply = .failure(Problem.deadlinePassed)
                disposition = .ack
            } catch let problem as Problem {
                reply = .failure(problem)
                // A request nobody can read is poison: park it for a human, but still answer the caller.
                disposition = problem.code == .badRequest ? .deadLetter(reason: problem.description) : .ack
            } catch {
                if let problem = handlers.translateError(error) {
                    logger.warning("request failed", metadata: ["problem": "\(problem.code)", "error": "\(String(reflecting: error))"])
                    reply = .failure(problem)
                } else {
                    logger.error("request handler failed", metadata: ["error": "\(String(reflecting: error))"])
                    reply = .failure(Problem.internalError("the request could not be completed"))
                }
                disposition = .ack
            }
        } catch {
            reply = .failure(error)
            disposition = .deadLetter(reason: error.description)
        }
        let outcome: String
        let body: Data
        switch reply {
        case .success(let data):
            (outcome, body) = ("ok", data)
        case .failure(let problem):
            (outcome, body) = ("problem", (try? MessageCodec.encode(problem)) ?? Data())
        }
        Timer(label: "expo_rpc_handled_seconds", dimensions: [("queue", queue), ("outcome", outcome)])
            .recordInterval(since: started)
        let answer = OutgoingMessage(
            exchange: "", routingKey: replyTo, body: body,
            properties: MessageProperties(
                contentType: MessageCodec.contentType, messageID: UUID().uuidString,
                correlationID: delivery.properties.correlationID,
                headers: [
                    RPCClient.inReplyToHeader: .string(requestID), MessageHeaders.outcome: .string(outcome),
                ]))
        guard disposition == .ack else {
            // Parked for a human, but the caller still gets its answer first.
            do {
                try await bus.publisher.publish(answer, confirm: false)
            } catch {
                logger.warning("could not send reply", metadata: ["error": "\(error)"])
            }
            return disposition
        }
        return .reply(answer)
    }
}

extension RPCServer {
    /// How long a handler may run before it is abandoned: until its caller's deadline and a grace
    /// period after it (for a commit under way when the deadline passed), or a minute without one.
    static func stallLimit(for message: IncomingMessage) -> Duration {
        guard let deadline = message.deadline else { return .seconds(60) }
        return .milliseconds(max(0, Int64(deadline.timeIntervalSinceNow * 1000))) + .seconds(10)
    }
}

extension Timer {
    func recordInterval(since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
    }
}
