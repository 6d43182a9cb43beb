import Contracts
import Foundation
import Logging
import MessageBus
import Persistence

/// Flips open RFQs whose deadline passed to `expired` and announces each once: the rows are
/// claimed with `SKIP LOCKED` and changed in the transaction that writes the event, so replicas
/// running this at the same time never both expire one, and a restart catches up from the table.
enum RFQExpiry {
    static let interval = Duration.seconds(15)
    static let batch = 500

    /// Expires what is due at `now`; answers how many.
    @discardableResult
    static func expireDue(now: Date, database: Database, logger: Logger) async throws -> Int {
        try await database.transaction(context: MessageContext(correlationID: UUID().uuidString), logger: logger) { transaction in
            let rows = try await transaction.query("""
                WITH due AS (
                    SELECT id FROM rfqs WHERE status = 'open' AND deadline <= \(now)
                    ORDER BY deadline LIMIT \(batch) FOR UPDATE SKIP LOCKED
                )
                UPDATE rfqs r SET status = 'expired', closed_at = \(now) FROM due WHERE r.id = due.id
                RETURNING r.id, r.buyer_company_id
                """)
            var expired: [(UUID, UUID)] = []
            for try await row in rows.decode((UUID, UUID).self) { expired.append(row) }
            for (id, buyer) in expired { try await transaction.emit(RFQExpired(rfqID: id, buyerCompanyID: buyer, expiredAt: now)) }
            return expired.count
        }
    }
}
