import Contracts
import Foundation
import Logging
import PostgresNIO

/// What stands for a person, worked out from their own requests: for the restriction and for each
/// objection scope (withdrawing consent is the direct-marketing objection), the newest request that
/// was verified and neither denied, cancelled nor expired decides.
enum StandingRestrictionRecords {
    static func standing(of accountID: UUID, on connection: PostgresConnection, logger: Logger) async throws -> [StandingRestriction] {
        let rows = try await connection.query("""
            SELECT DISTINCT ON (standing) standing, lifting, status, received_at, id FROM (
                SELECT CASE kind WHEN 'restriction' THEN 'restriction' WHEN 'withdraw-consent' THEN 'direct-marketing' ELSE scope END
                           AS standing,
                       lifting, status, received_at, id
                FROM data_requests
                WHERE account_id = \(accountID) AND kind IN ('restriction', 'objection', 'withdraw-consent')
                  AND status NOT IN ('unverified', 'denied', 'cancelled', 'expired')
            ) requests
            WHERE standing IS NOT NULL
            ORDER BY standing, received_at DESC
            """, logger: logger)
        var items: [StandingRestriction] = []
        for try await (scope, lifting, status, since, requestID) in rows.decode((String, Bool, String, Date, UUID).self) {
            let open = DataRequestStatus(rawValue: status)?.isOpen ?? false
            let state: StandingRestriction.State? = switch (lifting, open) {
            case (false, false): .inForce
            case (false, true): .beingApplied
            case (true, true): .beingLifted
            case (true, false): nil  // lifted
            }
            if let state { items.append(StandingRestriction(scope: scope, state: state, since: since, requestID: requestID)) }
        }
        return items
    }
}
