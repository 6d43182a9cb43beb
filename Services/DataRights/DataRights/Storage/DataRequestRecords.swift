import Contracts
import Foundation
import Logging
import Persistence
import PostgresNIO
import ServiceRuntime

/// Reads requests as their subject sees them, and writes the audit trail.
enum DataRequestRecords {
    /// The columns a request is read with; the tenth is the list's paging position, the microseconds
    /// of `ordered` (the database's, so a cursor names exactly the row it came from).
    static func select(orderedBy ordered: String = "r.received_at") -> String {
        """
        SELECT r.id, r.kind, r.scope, r.lifting, r.status, r.received_at, r.due_at, r.completed_at, e.available_until,
               floor(extract(epoch FROM \(ordered)) * 1000000)::int8, r.account_id, r.extension_reason, r.channel, r.denial_reason,
               r.denial_ground, r.resolution
        FROM data_requests r LEFT JOIN exports e ON e.request_id = r.id
        """
    }
    typealias Row = (UUID, String, String?, Bool, String, Date, Date, Date?, Date?, Int64, UUID, String?, String, String?, String?, String?)

    private static func decode(_ row: Row, parts: [DataRequestPart], at now: Date) throws -> DataRequest {
        let (id, kind, scope, lifting, status, receivedAt, dueAt, completedAt, availableUntil, _, accountID, extensionReason, channel, denialReason,
             denialGround, resolution) = row
        guard let kind = DataRequestKind(rawValue: kind), let status = DataRequestStatus(rawValue: status),
              let channel = RequestChannel(rawValue: channel) else {
            throw Problem.internalError("request \(id) holds an unknown value")
        }
        let denial = denialReason.flatMap { reason in denialGround.flatMap(DenialGround.init(rawValue:)).map { DataRequestDenial(reason: reason, legalGround: $0) } }
        return DataRequest(
            id: id, accountID: accountID, kind: kind, scope: scope.flatMap(ObjectionScope.init(rawValue:)), lifting: lifting, status: status,
            receivedAt: receivedAt, dueAt: dueAt, extensionReason: extensionReason, overdue: status.runsClock && dueAt <= now, channel: channel,
            verifyBy: status == .unverified ? VerificationCode.verifyBy(receivedAt: receivedAt) : nil, denial: denial, resolution: resolution, completedAt: completedAt,
            parts: parts, exportAvailableUntil: availableUntil.flatMap { $0 > now ? $0 : nil })
    }

    private static func parts(of ids: [UUID], on connection: PostgresConnection, logger: Logger) async throws -> [UUID: [DataRequestPart]] {
        var parts: [UUID: [DataRequestPart]] = [:]
        for try await (id, service, state, reason, attempts, answeredAt) in try await connection.query("""
            SELECT request_id, service, state, reason, attempts, answered_at FROM data_request_tasks
            WHERE request_id = ANY(\(ids)) ORDER BY service
            """, logger: logger).decode((UUID, String, String, String?, Int, Date?).self) {
            guard let service = ServiceName(rawValue: service), let state = DataRequestPart.State(rawValue: state) else { continue }
            parts[id, default: []].append(DataRequestPart(service: service, state: state, reason: reason, attempts: attempts, answeredAt: answeredAt))
        }
        return parts
    }

    /// The requests `query` (built on `select`) reads, each with its parts and paging cursor.
    static func requests(_ query: PostgresQuery, at now: Date, on connection: PostgresConnection, logger: Logger) async throws -> [(DataRequest, Cursor)] {
        var rows: [Row] = []
        for try await row in try await connection.query(query, logger: logger).decode(Row.self) { rows.append(row) }
        let parts = try await parts(of: rows.map(\.0), on: connection, logger: logger)
        return try rows.map { row in
            (try decode(row, parts: parts[row.0] ?? [], at: now), Cursor(position: row.9, id: row.0.uuidString.lowercased()))
        }
    }

    /// The caller's request, or 404 for anyone else's.
    static func find(_ id: UUID, of accountID: UUID, at now: Date, on connection: PostgresConnection, logger: Logger) async throws -> DataRequest {
        let found = try await requests("\(unescaped: select()) WHERE r.id = \(id) AND r.account_id = \(accountID)", at: now, on: connection, logger: logger)
        guard let request = found.first?.0 else { throw Problem.notFound("no request of yours has this id") }
        return request
    }

    /// Any person's request, for staff and for the code that confirms it: 404 when none has the id.
    static func find(_ id: UUID, at now: Date, on connection: PostgresConnection, logger: Logger) async throws -> DataRequest {
        guard let request = try await requests("\(unescaped: select()) WHERE r.id = \(id)", at: now, on: connection, logger: logger).first?.0 else {
            throw Problem.notFound("no request has this id")
        }
        return request
    }

    /// One step in the append-only audit trail.
    static func audit(_ requestID: UUID, by actor: String, _ event: String, _ detail: String? = nil, at time: Date, on transaction: Transaction) async throws {
        try await transaction.query("""
            INSERT INTO data_request_events (request_id, at, actor, event, detail) VALUES (\(requestID), \(time), \(actor), \(event), \(detail))
            """)
    }
}
