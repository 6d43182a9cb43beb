import AMQPTransport
import Contracts
import Foundation
import MessageBus
import Testing
import TestSupport

struct Greet: RequestContract {
    static let type: MessageType = "accounts.greet-for-test.v1"
    static let access = Access.anyone
    typealias Reply = Greeting
    var name: String
}

struct Greeting: Codable, Sendable, Equatable {
    var text: String
    var actor: UUID?
}

/// Typed requests through the real broker: dispatch by type, replies, problems, poison.
@Suite(.serialized, .integration) struct RPCServerTests {
    func withServer(_ body: (MessageBus, String) async throws -> Void) async throws {
        let queue = uniqueName("test.accounts.rpc")
        var topology = PlatformTopology.make(subscriptions: [:])
        topology.add(queue: queue, kind: .classic)
        topology.bindings.append(.init(queue: queue, exchange: PlatformTopology.rpcExchange, routingKey: Greet.type.rawValue))
        topology.bindings.append(.init(queue: queue, exchange: PlatformTopology.rpcExchange, routingKey: "accounts.unknown-for-test.v1"))
        var handlers = RPCHandlers()
        handlers.register(Greet.self) { request, context in
            guard !request.name.isEmpty else {
                throw Problem.validationFailed([.init(field: "name", message: "must not be empty")])
            }
            return Greeting(text: "hello \(request.name)", actor: context.message.actor?.accountID)
        }
        let registered = handlers
        try await withBus(topology: topology) { bus in
            let server = QueueConsumer(
                queue: queue, prefetch: 8, connection: bus.consumer, publisher: bus.publisher,
                deadLetterExchange: PlatformTopology.deadLetterExchange, logger: TestEnvironment.logger("server")
            ) { delivery in
                await RPCServer.handle(delivery, handlers: registered, bus: bus, queue: queue, logger: TestEnvironment.logger("server"))
            }
            let running = Task { try await server.run() }
            try await body(bus, queue)
            running.cancel()
            try await bus.publisher.delete(queue: queue)
            try await bus.publisher.delete(queue: queue + ".dlq")
        }
    }

    @Test func typedRequestGetsItsReplyWithTheActor() async throws {
        try await withServer { bus, _ in
            let actor = Actor(accountID: UUID(), roles: ["purchaser"])
            let reply = try await bus.call(Greet(name: "Ada"), context: MessageContext(actor: actor), timeout: .seconds(10))
            #expect(reply == Greeting(text: "hello Ada", actor: actor.accountID))
        }
    }

    @Test func aHandlersProblemReachesTheCaller() async throws {
        try await withServer { bus, _ in
            await #expect {
                _ = try await bus.call(Greet(name: ""), context: MessageContext(), timeout: .seconds(10))
            } throws: { error in
                let problem = error as? Problem
                return problem?.status == 422 && problem?.code == .validationFailed && problem?.errors?.first?.field == "name"
            }
        }
    }

    @Test func malformedAndUnknownRequestsAreAnsweredAndParked() async throws {
        try await withServer { bus, queue in
            await #expect {
                _ = try await bus.call(Greet.type, body: Data("{not json".utf8), context: MessageContext(), timeout: .seconds(10)).decode(Greeting.self)
            } throws: { error in
                (error as? Problem)?.status == 400
            }
            await #expect {
                _ = try await bus.call("accounts.unknown-for-test.v1", body: Data("{}".utf8), context: MessageContext(), timeout: .seconds(10))
                    .decode(Greeting.self)
            } throws: { error in
                (error as? Problem)?.code == .unknownMessageType
            }
            let parked = Collector(queue: queue + ".dlq", connection: bus.consumer)
            #expect(await eventually { parked.deliveries.count == 2 })
            #expect(parked.deliveries.allSatisfy { $0.properties.headers[QueueConsumer.reasonHeader]?.string?.isEmpty == false })
            // And the server still answers.
            let reply = try await bus.call(Greet(name: "again"), context: MessageContext(), timeout: .seconds(10))
            #expect(reply.text == "hello again")
        }
    }
}
