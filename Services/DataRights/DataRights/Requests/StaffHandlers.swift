import Contracts
import Foundation
import MessageBus
import Persistence
import ServiceRuntime

/// Staff's side of data-subject requests: the queue with each service's part (a service that has
/// not answered shows as pending, with its attempts), and deadline extensions.
struct StaffHandlers: Sendable {
    let database: Database
    let now: @Sendable () -> Date

    /// GDPR Art. 12(3): at most two further months past the first.
    static let furthestExtensionMonths = 3

    func register(into handlers: inout RPCHandlers) {
        handlers.register(ListDataRequestQueue.self, listQueue)
        handlers.register(ExtendDataRequest.self, extend)
    }

    /// `data-rights.list-queue.v1`: oldest due first.
    @Sendable func listQueue(_ request: ListDataRequestQueue, _ context: RequestContext) async throws -> Page<DataRequest> {
        var checks = FieldChecks()
        let status = request.status == nil ? nil : checks.oneOf("status", request.status, as: DataRequestStatus.self)
        let overdue = checks.flag("overdue", request.overdue)
        try checks.finish()
        let (limit, after) = try Cursor.read(request.page, newestFirst: false)
        let now = self.now()
        return try await database.withConnection { connection in
            var rows: [DataRequestRecords.Row] = []
            for try await row in try await connection.query("""
                \(unescaped: DataRequestRecords.select)
                WHERE (\(status?.rawValue)::text IS NULL OR r.status = \(status?.rawValue)::text)
                  AND (\(overdue)::boolean IS NULL
                       OR \(overdue)::boolean = (r.status IN ('unverified', 'in-progress', 'waiting-for-services') AND r.due_at <= \(now)))
                  AND (floor(extract(epoch FROM r.due_at) * 1000000)::int8, r.id::text) > (\(after.position), \(after.id))
                ORDER BY floor(extract(epoch FROM r.due_at) * 1000000)::int8, r.id::text LIMIT \(limit + 1)
                """, logger: context.logger).decode(DataRequestRecords.Row.self) { rows.append(row) }
            let parts = try await DataRequestRecords.parts(of: rows.map(\.0), on: connection, logger: context.logger)
            let items = try rows.map { row in
                let position = Int64((row.6.timeIntervalSince1970 * 1_000_000).rounded(.down))
                return (try DataRequestRecords.decode(row, parts: parts[row.0] ?? [], at: now), Cursor(position: position, id: row.0.uuidString.lowercased()))
            }
            return Cursor.page(items, limit: limit)
        }
    }

    /// `data-rights.extend-request.v1`: a later deadline for an open request, within the law's limit.
    @Sendable func extend(_ request: ExtendDataRequest, _ context: RequestContext) async throws -> DataRequest {
        let actor = try context.caller()
        let now = self.now()
        return try await database.transaction(context, idempotent: try MessageCodec.encode(request)) { transaction in
            // An unknown request is 404, and a closed one 409, whatever the body says.
            let rows = try await transaction.query("""
                SELECT account_id, status, received_at, due_at FROM data_requests WHERE id = \(request.requestID) FOR UPDATE
                """)
            guard let (accountID, status, receivedAt, dueAt) = try await rows.decode((UUID, String, Date, Date).self).first(where: { _ in true }) else {
                throw Problem.notFound("no request has this id")
            }
            guard DataRequestStatus(rawValue: status)?.isOpen == true else {
                throw Problem(status: 409, code: .requestClosed, title: "This request is no longer open", detail: "it is \(status)")
            }
            var checks = FieldChecks()
            let reason = checks.required("reason", request.reason, maxLength: 2000)
            let newDueAt = checks.time("newDueAt", request.newDueAt)
            let latest = Calendar(identifier: .gregorian).date(byAdding: .month, value: Self.furthestExtensionMonths, to: receivedAt) ?? dueAt
            if let newDueAt, newDueAt <= dueAt || newDueAt > latest {
                checks.fail("newDueAt", "must be after the current deadline and at most three months after receipt")
            }
            try checks.finish()
            guard let reason, let newDueAt else { throw Problem.internalError("validation let a missing field through") }
            try await transaction.query("""
                UPDATE data_requests SET due_at = \(newDueAt), extension_reason = \(reason) WHERE id = \(request.requestID)
                """)
            try await DataRequestRecords.audit(request.requestID, by: "staff \(actor.accountID.uuidString.lowercased())", "deadline extended",
                                               "to \(newDueAt.formatted(.iso8601)): \(reason)", at: now, on: transaction)
            return try await DataRequestRecords.find(request.requestID, of: accountID, at: now, on: transaction.connection, logger: context.logger)
        }
    }
}
