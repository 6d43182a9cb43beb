import Contracts
import Foundation
import MessageBus

/// Finds a listed product's company and name, to check and keep a conversation's subject.
/// Matchmaking publishes no product events, so this one thing is asked for per request.
protocol SubjectLookup: Sendable {
    func product(_ id: UUID, context: RequestContext) async throws -> (companyID: UUID, name: String)?
}

/// Asks the matchmaking service over the bus, within the caller's remaining time.
struct MatchmakingProducts: SubjectLookup {
    let bus: MessageBus

    func product(_ id: UUID, context: RequestContext) async throws -> (companyID: UUID, name: String)? {
        let remaining = context.message.deadline.map { $0.timeIntervalSinceNow } ?? 5
        guard remaining > 0.05 else { throw Problem.deadlinePassed }
        do {
            // Anonymous on purpose: the product as anyone sees it, and no view recorded for the caller.
            let product = try await bus.call(
                GetProduct(productID: id), context: MessageContext(correlationID: context.context.correlationID, traceparent: context.context.traceparent),
                timeout: .milliseconds(Int(min(remaining, 5) * 1000)))
            return (product.companyID, product.name)
        } catch let problem as Problem where problem.status == 404 {
            return nil
        }
    }
}
