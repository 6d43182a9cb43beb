import Contracts
import Foundation
import Logging
import MessageBus
import Persistence
import ServiceRuntime

/// Ends the requests whose subject did not confirm them with the mailed code within 7 days, each
/// with a step in its trail. One statement claims them, so replicas running the same round expire
/// each request once.
struct UnverifiedExpiry: Sendable {
    let database: Database
    let logger: Logger
    let now: @Sendable () -> Date

    func work(interval: Duration) -> PeriodicWork {
        PeriodicWork(name: "unverified data requests", interval: interval) { try await expireDue() }
    }

    /// Expires every request past its 7 days; answers how many.
    @discardableResult
    func expireDue() async throws -> Int {
        let now = self.now()
        return try await database.transaction(context: MessageContext(), logger: logger) { transaction in
            var expired: [UUID] = []
            for try await id in try await transaction.query("""
                UPDATE data_requests SET status = 'expired', completed_at = \(now)
                WHERE status = 'unverified' AND received_at <= \(now.addingTimeInterval(-VerificationCode.lifetime))
                RETURNING id
                """).decode(UUID.self) { expired.append(id) }
            for id in expired {
                try await DataRequestRecords.audit(id, by: "platform", "expired", "the identity was not verified within 7 days", at: now, on: transaction)
            }
            return expired.count
        }
    }
}
