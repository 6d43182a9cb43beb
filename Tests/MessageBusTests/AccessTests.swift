import Contracts
import Foundation
import MessageBus
import Synchronization
import Testing
import TestSupport

struct ReviewForTest: RequestContract {
    static let type: MessageType = "accounts.review-for-test.v1"
    static let access = Access.role(.admin)
    typealias Reply = Greeting
}

/// A request's declared access, enforced where its handler is registered.
@Suite struct AccessTests {
    @Test func aCallerTheDeclarationRefusesNeverReachesTheHandler() async throws {
        let runs = Atomic<Int>(0)
        var handlers = RPCHandlers()
        handlers.register(ReviewForTest.self) { _, _ in
            runs.add(1, ordering: .relaxed)
            return Greeting(text: "reviewed")
        }
        func send(_ actor: Actor?, body: String = "{}") async throws -> Data {
            let message = IncomingMessage(type: ReviewForTest.type, actor: actor, body: Data(body.utf8))
            return try await handlers.handler(for: ReviewForTest.type)!(RequestContext(message: message, logger: TestEnvironment.logger("access")))
        }
        let anonymous = await #expect(throws: Problem.self) { try await send(nil, body: "not even JSON") }
        #expect(anonymous?.status == 401, "refused before the body is read")
        let purchaser = await #expect(throws: Problem.self) { try await send(Actor(accountID: UUID(), roles: ["purchaser"])) }
        #expect(purchaser?.status == 403)
        #expect(runs.load(ordering: .relaxed) == 0)
        let reply = try await send(Actor(accountID: UUID(), roles: ["admin"]))
        #expect(try MessageCodec.decode(Greeting.self, from: reply).text == "reviewed")
    }

    @Test func theDeclarationsAnswer() {
        let member = Actor(accountID: UUID(), roles: ["supplier"])
        #expect(Access.anyone.refusal(of: nil) == nil)
        #expect(Access.signedIn.refusal(of: nil)?.code == .unauthorized)
        #expect(Access.signedIn.refusal(of: member) == nil)
        #expect(Access.role(.support).refusal(of: member)?.code == .forbidden)
        #expect(Access.role(.support).refusal(of: Actor(accountID: UUID(), roles: ["support"])) == nil)
    }
}
