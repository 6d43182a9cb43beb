import Contracts
import Foundation
import Logging
import PostgresNIO
import ServiceRuntime

/// Reads incidents as staff see them and notices as a person does.
enum IncidentRecords {
    /// GDPR Art. 33(1): the supervisory authority within 72 hours of discovery.
    static let regulatorWindow: TimeInterval = 72 * 3600

    static let select = """
        SELECT i.id, i.title, i.description, i.discovered_at, i.recorded_at, i.criteria, i.measures, i.advice, i.regulator_notify,
               i.regulator_reason, i.regulator_decided_at, i.notified_at,
               ARRAY(SELECT n.account_id FROM incident_notices n WHERE n.incident_id = i.id ORDER BY n.account_id),
               floor(extract(epoch FROM i.discovered_at) * 1000000)::int8
        FROM incidents i
        """
    typealias Row = (UUID, String, String, Date, Date, String?, String, String, Bool?, String?, Date?, Date?, [UUID], Int64)

    static func decode(_ row: Row, at now: Date) -> Incident {
        let (id, title, description, discoveredAt, recordedAt, criteria, measures, advice, notify, reason, decidedAt, notifiedAt, accounts, _) = row
        let due = discoveredAt.addingTimeInterval(regulatorWindow)
        var decision: RegulatorDecision?
        if let notify, let reason, let decidedAt { decision = RegulatorDecision(notify: notify, reason: reason, decidedAt: decidedAt, late: decidedAt > due) }
        return Incident(
            id: id, title: title, description: description, discoveredAt: discoveredAt, recordedAt: recordedAt,
            affected: IncidentAffected(accountIDs: accounts, criteria: criteria), measures: measures, advice: advice, regulatorDueAt: due,
            regulatorDecision: decision, overdue: decision == nil && now > due, notifiedAt: notifiedAt)
    }

    static func find(_ id: UUID, at now: Date, on connection: PostgresConnection, logger: Logger) async throws -> Incident {
        let rows = try await connection.query("\(unescaped: select) WHERE i.id = \(id)", logger: logger)
        guard let row = try await rows.decode(Row.self).first(where: { _ in true }) else { throw Problem.notFound("no incident has this id") }
        return decode(row, at: now)
    }

    /// The notices `accountID` was sent and, unless `individualOnly` (an export holds the person's
    /// own), the announcements everyone is shown; newest first, after `after`, at most `limit`.
    static func notices(
        of accountID: UUID, individualOnly: Bool, after: Cursor, limit: Int, on connection: PostgresConnection, logger: Logger
    ) async throws -> [(SecurityNotice, Cursor)] {
        var items: [(SecurityNotice, Cursor)] = []
        for try await (id, kind, title, description, measures, advice, discoveredAt, issuedAt, position, key) in try await connection.query("""
            SELECT * FROM (
                SELECT i.id, 'individual' AS kind, i.title, i.description, i.measures, i.advice, i.discovered_at, n.issued_at
                FROM incident_notices n JOIN incidents i ON i.id = n.incident_id
                WHERE n.account_id = \(accountID) AND n.issued_at IS NOT NULL
                UNION ALL
                SELECT i.id, 'announcement', i.title, i.description, i.measures, i.advice, i.discovered_at, i.notified_at
                FROM incidents i WHERE i.criteria IS NOT NULL AND i.notified_at IS NOT NULL AND NOT \(individualOnly)
            ) notices, LATERAL (SELECT floor(extract(epoch FROM notices.issued_at) * 1000000)::int8 AS position,
                                       notices.id::text || '-' || left(notices.kind, 1) AS key) k
            WHERE (k.position, k.key) < (\(after.position), \(after.id))
            ORDER BY k.position DESC, k.key DESC LIMIT \(limit)
            """, logger: logger).decode((UUID, String, String, String, String, String, Date, Date, Int64, String).self) {
            let notice = SecurityNotice(
                incidentID: id, kind: SecurityNotice.Kind(rawValue: kind) ?? .individual, title: title, description: description,
                measures: measures, advice: advice, discoveredAt: discoveredAt, issuedAt: issuedAt)
            items.append((notice, Cursor(position: position, id: key)))
        }
        return items
    }
}
