import AMQPTransport
import Contracts
import Foundation
import MessageBus
import Testing
import TestSupport

/// Messages no well-behaved producer sends, put straight on the queues of running services: each
/// is refused with a reason (answered, and parked in the queue's DLQ), and the service goes on
/// consuming.
@Suite(.serialized, .integration) struct BadMessagesTests {
    static let backends = ServiceName.backends

    func withBackends(_ body: ([ServiceName: ServiceProcess], MessageBus) async throws -> Void) async throws {
        var processes: [ServiceName: ServiceProcess] = [:]
        for service in Self.backends {
            processes[service] = try ServiceProcess(service.rawValue, instance: uniqueName(service.rawValue), opsPort: freePort())
        }
        do {
            try await withBus(topology: PlatformTopology.make()) { bus in
                for service in Self.backends {
                    let up = await eventually(timeout: .seconds(60), interval: .milliseconds(300)) {
                        (try? await ping(service, bus))?.ready == true
                    }
                    guard up else { throw TestFailure("\(service) not ready: \(processes[service]?.output.suffix(2000) ?? "")") }
                }
                try await body(processes, bus)
            }
        } catch {
            for process in processes.values { _ = try? await process.terminate() }
            throw error
        }
        for process in processes.values { _ = try? await process.terminate() }
    }

    func ping(_ service: ServiceName, _ bus: MessageBus) async throws -> Pong {
        try await bus.call(.ping(service), body: MessageCodec.encode(Ping()), context: MessageContext(), timeout: .seconds(3))
            .decode(Pong.self)
    }

    /// A raw request with the given properties; returns the reply's problem (nil for a success).
    func send(
        _ routingKey: String, type: String, body: Data, contentType: String = "application/json",
        headers: [String: HeaderValue] = [:], bus: MessageBus, id: String = UUID().uuidString
    ) async throws -> Problem? {
        let reply = try await bus.rpc.call(
            routingKey: routingKey, body: body,
            properties: MessageProperties(contentType: contentType, messageID: id, type: type, headers: headers),
            timeout: .seconds(5))
        guard reply.properties.headers[MessageHeaders.outcome]?.string == "problem" else { return nil }
        return try MessageCodec.decode(Problem.self, from: reply.body)
    }

    @Test func poisonOnEveryQueueIsParkedWithAReasonWhileConsumingGoesOn() async throws {
        try await withBackends { processes, bus in
            var collectors: [String: Collector] = [:]
            for queue in Self.backends.map(PlatformTopology.rpcQueue) + [PlatformTopology.eventQueue(.marketing)] {
                collectors[queue] = Collector(queue: PlatformTopology.deadLetterQueue(queue), connection: bus.consumer)
            }
            for service in Self.backends {
                let id = UUID().uuidString
                let problem = try await send(
                    MessageType.ping(service).rawValue, type: MessageType.ping(service).rawValue, body: Data("<ping/>".utf8),
                    contentType: "application/xml", bus: bus, id: id)
                #expect(problem?.code == .badRequest, "\(service) answers the poison with a problem")
                let queue = PlatformTopology.rpcQueue(service)
                let parked = await eventually(timeout: .seconds(10)) {
                    collectors[queue]?.deliveries.contains { $0.properties.messageID == id
                        && $0.properties.headers[QueueConsumer.reasonHeader]?.string?.contains("content type") == true } == true
                }
                #expect(parked, "\(queue) parks the poison in its DLQ with the reason")
                let pong = try await ping(service, bus)
                #expect(pong.ready, "\(service) goes on consuming")
                #expect(processes[service]?.isRunning == true)
            }

            // An event nobody can read is parked at once; one whose handler keeps failing (the same
            // registration replayed under a new message id), after the delivery limit.
            let unreadable = UUID()
            try await bus.publish(EventEnvelope(messageID: unreadable, type: AccountRegistered.type, correlationID: nil, traceparent: nil, body: Data("{\"accountID\":".utf8)))
            let registration = AccountRegistered(accountID: UUID(), email: "twice@example.com", contactName: "Twice", company: nil,
                                                 roles: [.purchaser], registeredAt: Date())
            try await bus.publish(try EventEnvelope(registration, context: MessageContext()))
            // Marketing handles several events at once: the replay must arrive after the original was
            // applied, or the replay is the one applied and the original the one that keeps failing.
            let applied = await eventually(timeout: .seconds(30)) {
                (try? await TestDatabase.adminCount("SELECT count(*) FROM marketing.contacts WHERE account_id = '\(registration.accountID)'")) == 1
            }
            #expect(applied, "marketing applies the registration")
            let failing = try EventEnvelope(registration, context: MessageContext())
            try await bus.publish(failing)
            let events = PlatformTopology.eventQueue(.marketing)
            let bothParked = await eventually(timeout: .seconds(30)) {
                let parked = collectors[events]?.deliveries ?? []
                let first = parked.first { $0.properties.messageID == unreadable.uuidString.lowercased() }
                let second = parked.first { $0.properties.messageID == failing.messageID.uuidString.lowercased() }
                return first?.properties.headers[QueueConsumer.reasonHeader]?.string?.contains("not valid") == true
                    && second?.properties.headers[QueueConsumer.reasonHeader]?.string?.contains("failed \(PlatformTopology.eventDeliveryLimit) times") == true
            }
            #expect(bothParked, "marketing parks an unreadable event at once and a failing one after the delivery limit")
            #expect(processes[.marketing]?.isRunning == true)
        }
    }

    @Test func malformedRequestsAreRefusedWithoutCrashingTheService() async throws {
        try await withBackends { processes, bus in
            let getMe = GetMe.type.rawValue
            let actor = String(decoding: try MessageCodec.encode(Actor(accountID: UUID(), roles: ["purchaser"])), as: UTF8.self)
            let cases: [(String, Problem?)] = [
                ("wrong content type", try await send(getMe, type: getMe, body: Data("{}".utf8), contentType: "text/plain", bus: bus)),
                ("broken JSON", try await send(RegisterAccount.type.rawValue, type: RegisterAccount.type.rawValue, body: Data("{\"email\":".utf8), bus: bus)),
                ("unknown type", try await send(getMe, type: "accounts.drop-everything.v1", body: Data("{}".utf8), bus: bus)),
                ("missing actor", try await send(getMe, type: getMe, body: Data("{}".utf8), bus: bus)),
                ("unreadable actor", try await send(getMe, type: getMe, body: Data("{}".utf8), headers: [MessageHeaders.actor: .string("admin")], bus: bus)),
                ("oversized body", try await send(getMe, type: getMe, body: Data(repeating: 0x20, count: IncomingMessage.maxBodyBytes + 1),
                                                  headers: [MessageHeaders.actor: .string(actor)], bus: bus)),
            ]
            let expected: [Problem.Code] = [.badRequest, .badRequest, .unknownMessageType, .unauthorized, .badRequest, .badRequest]
            for ((name, problem), code) in zip(cases, expected) {
                #expect(problem?.code == code, "\(name): \(problem?.description ?? "no problem")")
            }
            #expect(try await ping(.accounts, bus).ready)
            #expect(processes[.accounts]?.isRunning == true)
        }
    }
}
