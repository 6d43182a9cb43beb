import AMQPTransport
import Contracts
import Foundation
import MessageBus
import Testing
import TestSupport

@Suite struct EventConsumerTests {
    @Test func unknownTypesAndBadBodiesAreParkedAtOnce() async {
        var handlers = EventHandlers()
        handlers.register(MessageType("test.known.v1")) { message, _ in _ = try message.decode([String: Int].self) }
        let unknown = await EventConsumer.handle(
            IncomingMessage(type: "test.unknown.v1", body: Data("{}".utf8)), handlers: handlers, deliveryLimit: 5,
            logger: TestEnvironment.logger("events"))
        #expect(unknown == .deadLetter(reason: "no handler for test.unknown.v1"))
        let broken = await EventConsumer.handle(
            IncomingMessage(type: "test.known.v1", body: Data("[1,".utf8)), handlers: handlers, deliveryLimit: 5,
            logger: TestEnvironment.logger("events"))
        guard case .deadLetter(let reason) = broken else { Issue.record("expected dead letter, got \(broken)"); return }
        #expect(reason.contains("not valid"))
    }

    @Test func failuresAreRetriedUntilTheDeliveryLimit() async {
        struct Down: Error {}
        var handlers = EventHandlers()
        handlers.register(MessageType("test.flaky.v1")) { _, _ in throw Down() }
        var outcomes: [QueueConsumer.Disposition] = []
        for previous in 0..<3 {
            outcomes.append(await EventConsumer.handle(
                IncomingMessage(type: "test.flaky.v1", body: Data("{}".utf8), previousDeliveries: previous),
                handlers: handlers, deliveryLimit: 3, logger: TestEnvironment.logger("events")))
        }
        #expect(outcomes[0] == .requeue)
        #expect(outcomes[1] == .requeue)
        guard case .deadLetter(let reason) = outcomes[2] else { Issue.record("expected dead letter"); return }
        #expect(reason.hasPrefix("failed 3 times"))
    }

    @Test func infrastructureFailuresAreRetriedInPlaceWithoutCountingTowardTheLimit() async {
        struct DatabaseDown: Error {}
        let failures = LockedBox(0)
        var handlers = EventHandlers()
        handlers.register(MessageType("test.outage.v1")) { _, _ in
            if failures.mutate({ $0 += 1; return $0 <= 3 }) { throw DatabaseDown() }
        }
        // Already at its last delivery: a counted failure would park it; an outage must not.
        let outcome = await EventConsumer.handle(
            IncomingMessage(type: "test.outage.v1", body: Data("{}".utf8), previousDeliveries: 4),
            handlers: handlers, deliveryLimit: 5, isTransient: { $0 is DatabaseDown }, logger: TestEnvironment.logger("events"))
        #expect(outcome == .ack)
        #expect(failures.value == 4)
    }

    @Test func anEventThatCameTooEarlyWaitsForItsPredecessorUncounted() async {
        struct NotYet: ArrivedTooEarly {}
        let attempts = LockedBox(0)
        var handlers = EventHandlers()
        handlers.register(MessageType("test.early.v1")) { _, _ in
            if attempts.mutate({ $0 += 1; return $0 <= 2 }) { throw NotYet() }
        }
        let late = await EventConsumer.handle(
            IncomingMessage(type: "test.early.v1", body: Data("{}".utf8)),
            handlers: handlers, deliveryLimit: 5, logger: TestEnvironment.logger("events"))
        #expect(late == .ack, "its predecessor arrived while it waited")
        #expect(attempts.value == 3)

        var never = EventHandlers()
        never.register(MessageType("test.early.v1")) { _, _ in throw NotYet() }
        let outcome = await EventConsumer.handle(
            IncomingMessage(type: "test.early.v1", body: Data("{}".utf8)),
            handlers: never, deliveryLimit: 5, patience: .milliseconds(300), logger: TestEnvironment.logger("events"))
        #expect(outcome == .requeue, "after its patience it counts as a failure")
        let redelivered = await EventConsumer.handle(
            IncomingMessage(type: "test.early.v1", body: Data("{}".utf8), previousDeliveries: 4),
            handlers: never, deliveryLimit: 5, logger: TestEnvironment.logger("events"))
        guard case .deadLetter = redelivered else { Issue.record("a redelivery waits no more: got \(redelivered)"); return }
    }
}
