import AMQPTransport
import Foundation
import Logging
import MessageBus
import Synchronization
import TestSupport

/// Scenario 6: the transport's own message rates next to librabbitmq's on the same broker and
/// queue: `amqp-publish -l` (Debian's amqp-tools) for publishing, `amqp-floor consume` for
/// consuming. Each publish run fills the queue with `messages` messages and the consume run after
/// it drains exactly those.
struct TransportRuns {
    static let queue = "bench.raw"
    /// The body every message carries: a line of 64 bytes, as amqp-publish sends it.
    static let body = String(repeating: "0123456789abcdef", count: 4)
    static let prefetch: UInt16 = 100
    /// Publishing callers in flight at once in the Swift runs (amqp-publish has one, but never waits).
    static let publishers = 64

    let messages: Int
    let url: String
    let floor: String
    /// Publishes without confirm mode and consumes, like amqp-publish and amqp-floor do.
    let plain: AMQPConnection
    /// Publishes in confirm mode, as every service's publishing connection does.
    let confirming: AMQPConnection
    /// Watches the queue's depth.
    let control: AMQPConnection
    let logger: Logger

    func run() async throws -> [RateResult] {
        let lines = FileManager.default.temporaryDirectory.appendingPathComponent("bench-lines-\(messages).txt")
        try String(repeating: Self.body + "\n", count: messages).write(to: lines, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: lines) }
        try await control.purge(queue: Self.queue)
        var results: [RateResult] = []
        for persistent in [false, true] {
            let mode = persistent ? "persistent" : "transient"
            results.append(try await filling("publish \(mode): amqp-publish -l\(persistent ? " -p" : "") (C floor)") {
                _ = try await Subprocess.succeed(
                    "/usr/bin/amqp-publish", ["--url=\(url)", "-r", Self.queue, "-l"] + (persistent ? ["-p"] : []), input: lines)
            })
            results.append(try await floorConsume("consume \(mode): amqp-floor consume (C floor)"))
            let swiftPublish = persistent
                ? "publish persistent: transport, publisher confirms awaited"
                : "publish transient: transport, no confirms"
            results.append(try await filling(swiftPublish) { try await publish(persistent: persistent) })
            results.append(try await persistent
                ? serviceConsume("consume persistent: transport QueueConsumer (the services' path)")
                : rawConsume("consume transient: transport consumer, ack each"))
        }
        return results
    }

    // MARK: Publishing

    /// Times `publish` from its start until the broker holds every message in the queue.
    private func filling(_ name: String, _ publish: () async throws -> Void) async throws -> RateResult {
        let clock = ContinuousClock()
        let started = clock.now
        try await publish()
        let deadline = clock.now + .seconds(120)
        while try await control.status(of: Self.queue).messages < messages {
            guard clock.now < deadline else { throw TestFailure("\(name): the queue never held \(messages) messages") }
            try await Task.sleep(for: .milliseconds(2))
        }
        return RateResult(name: name, messages: messages, seconds: (clock.now - started).secondsValue)
    }

    private func publish(persistent: Bool) async throws {
        let connection = persistent ? confirming : plain
        let message = OutgoingMessage(
            exchange: "", routingKey: Self.queue, body: Data(Self.body.utf8), properties: MessageProperties(persistent: persistent))
        let (messages, publishers) = (messages, Self.publishers)
        try await withThrowingDiscardingTaskGroup { group in
            for first in 0..<publishers {
                group.addTask {
                    for _ in stride(from: first, to: messages, by: publishers) {
                        try await connection.publish(message, confirm: persistent)
                    }
                }
            }
        }
    }

    // MARK: Consuming

    private func floorConsume(_ name: String) async throws -> RateResult {
        let outcome = try await Subprocess.succeed(floor, ["consume", url, Self.queue, "\(messages)", "\(Self.prefetch)"])
        guard let seconds = Double(outcome.output.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw TestFailure("amqp-floor consume printed \(outcome.output)")
        }
        return RateResult(name: name, messages: messages, seconds: seconds)
    }

    /// The bare transport: a consumer whose callback acks each delivery.
    private func rawConsume(_ name: String) async throws -> RateResult {
        let (finished, signal) = AsyncStream.makeStream(of: Duration.self)
        let counter = Counter(target: messages)
        let connection = plain
        let consumer = connection.consume(ConsumerSpec(source: .queue(Self.queue), prefetch: Self.prefetch) { delivery in
            connection.ack(delivery)
            if let elapsed = counter.count() { signal.yield(elapsed) }
        })
        let elapsed = await finished.first { _ in true }
        await connection.release(consumer)
        return RateResult(name: name, messages: messages, seconds: elapsed?.secondsValue ?? .nan)
    }

    /// What a service's event or request consumer does: a task per delivery, settled after it.
    private func serviceConsume(_ name: String) async throws -> RateResult {
        let (finished, signal) = AsyncStream.makeStream(of: Duration.self)
        let counter = Counter(target: messages)
        let consumer = QueueConsumer(
            queue: Self.queue, prefetch: Self.prefetch, connection: plain, publisher: confirming,
            deadLetterExchange: PlatformTopology.deadLetterExchange, logger: logger
        ) { _ in
            if let elapsed = counter.count() { signal.yield(elapsed) }
            return .ack
        }
        let running = Task { try await consumer.run() }
        let elapsed = await finished.first { _ in true }
        running.cancel()
        _ = try? await running.value
        return RateResult(name: name, messages: messages, seconds: elapsed?.secondsValue ?? .nan)
    }
}

/// Counts deliveries from any thread; answers the time from the first to the `target`-th.
private final class Counter: Sendable {
    private let state = Mutex<(count: Int, first: ContinuousClock.Instant?)>((0, nil))
    private let target: Int

    init(target: Int) { self.target = target }

    func count() -> Duration? {
        state.withLock { state in
            let now = ContinuousClock.now
            if state.first == nil { state.first = now }
            state.count += 1
            return state.count == target ? now - state.first! : nil
        }
    }
}
