import Contracts
import Foundation
import Logging
import MessageBus
import Persistence
import ServiceRuntime

/// Staff's side of data-subject requests: the queue with each service's part (a service that has
/// not answered shows as pending, with its attempts), deadline extensions and denials, each mailed
/// to the subject with its reason.
struct StaffHandlers: Sendable {
    let database: Database
    let now: @Sendable () -> Date

    /// GDPR Art. 12(3): at most two further months past the first, counted from receipt, or from the
    /// verification of a request staff entered (the clock was paused until then).
    static let furthestExtensionMonths = 3

    func register(into handlers: inout RPCHandlers) {
        handlers.register(ListDataRequestQueue.self, listQueue)
        handlers.register(ExtendDataRequest.self, extend)
        handlers.register(DenyDataRequest.self, deny)
        handlers.register(ResolveDataRequest.self, resolve)
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
            Cursor.page(try await DataRequestRecords.requests("""
                \(unescaped: DataRequestRecords.select(orderedBy: "r.due_at"))
                WHERE (\(status?.rawValue)::text IS NULL OR r.status = \(status?.rawValue)::text)
                  AND (\(overdue)::boolean IS NULL
                       OR \(overdue)::boolean = (r.status IN ('in-progress', 'waiting-for-services') AND r.due_at <= \(now)))
                  AND (floor(extract(epoch FROM r.due_at) * 1000000)::int8, r.id::text) > (\(after.position), \(after.id))
                ORDER BY 10, r.id::text LIMIT \(limit + 1)
                """, at: now, on: connection, logger: context.logger), limit: limit)
        }
    }

    /// `data-rights.extend-request.v1`: a later deadline for an open request, within the law's limit.
    @Sendable func extend(_ request: ExtendDataRequest, _ context: RequestContext) async throws -> DataRequest {
        let actor = try context.caller()
        let now = self.now()
        return try await database.transaction(context, idempotent: try MessageCodec.encode(request)) { transaction in
            // An unknown request is 404, and a closed one 409, whatever the body says.
            let (current, clockStart) = try await Self.openRequest(request.requestID, at: now, on: transaction, logger: context.logger)
            guard current.status.runsClock else {
                throw Problem(status: 409, code: .requestUnverified, title: "This request's clock has not started",
                              detail: "it starts once the subject confirms the request with the mailed code")
            }
            var checks = FieldChecks()
            let reason = checks.required("reason", request.reason, maxLength: 2000)
            let newDueAt = checks.time("newDueAt", request.newDueAt)
            let latest = Calendar(identifier: .gregorian).date(byAdding: .month, value: Self.furthestExtensionMonths, to: clockStart)
                ?? current.dueAt
            if let newDueAt, newDueAt <= current.dueAt || newDueAt > latest {
                checks.fail("newDueAt", "must be after the current deadline and at most three months after receipt (or verification)")
            }
            try checks.finish()
            guard let reason, let newDueAt else { throw Problem.internalError("validation let a missing field through") }
            try await transaction.query("""
                UPDATE data_requests SET due_at = \(newDueAt), extension_reason = \(reason) WHERE id = \(request.requestID)
                """)
            try await DataRequestRecords.audit(request.requestID, by: "staff \(actor.accountID.uuidString.lowercased())", "deadline extended",
                                               "to \(newDueAt.formatted(.iso8601)): \(reason)", at: now, on: transaction)
            try await transaction.emit(DataRequestExtended(
                requestID: current.id, accountID: current.accountID, kind: current.kind, dueAt: newDueAt, reason: reason))
            return try await DataRequestRecords.find(request.requestID, at: now, on: transaction.connection, logger: context.logger)
        }
    }

    /// `data-rights.deny-request.v1`: an open request refused under one of the policy's exceptions;
    /// what a service already did stays done, nothing more is asked.
    @Sendable func deny(_ request: DenyDataRequest, _ context: RequestContext) async throws -> DataRequest {
        let actor = try context.caller()
        let now = self.now()
        return try await database.transaction(context, idempotent: try MessageCodec.encode(request)) { transaction in
            let (current, _) = try await Self.openRequest(request.requestID, at: now, on: transaction, logger: context.logger)
            var checks = FieldChecks()
            let reason = checks.required("reason", request.reason, maxLength: 2000)
            let ground = checks.oneOf("legalGround", request.legalGround, as: DenialGround.self)
            try checks.finish()
            guard let reason, let ground else { throw Problem.internalError("validation let a missing field through") }
            try await transaction.query("""
                UPDATE data_request_tasks SET state = 'cancelled' WHERE request_id = \(current.id) AND state IN ('pending', 'waiting')
                """)
            try await transaction.query("""
                UPDATE data_requests SET status = 'denied', completed_at = \(now), denial_reason = \(reason), denial_ground = \(ground.rawValue)
                WHERE id = \(current.id)
                """)
            try await DataRequestRecords.audit(current.id, by: "staff \(actor.accountID.uuidString.lowercased())", "denied",
                                               "\(ground.rawValue): \(reason)", at: now, on: transaction)
            let denial = DataRequestDenial(reason: reason, legalGround: ground)
            try await transaction.emit(DataRequestDenied(requestID: current.id, accountID: current.accountID, kind: current.kind, denial: denial))
            return try await DataRequestRecords.find(current.id, at: now, on: transaction.connection, logger: context.logger)
        }
    }

    /// `data-rights.resolve-request.v1`: a rectification staff corrected completes with how; any
    /// other kind completes when the services answered (409 `answered-by-services`).
    @Sendable func resolve(_ request: ResolveDataRequest, _ context: RequestContext) async throws -> DataRequest {
        let actor = try context.caller()
        let now = self.now()
        return try await database.transaction(context, idempotent: try MessageCodec.encode(request)) { transaction in
            let (current, _) = try await Self.openRequest(request.requestID, at: now, on: transaction, logger: context.logger)
            guard current.kind == .rectification else {
                throw Problem(status: 409, code: .answeredByServices, title: "The services answer this request",
                              detail: "only a rectification is resolved by staff; a \(current.kind.rawValue) completes when every service answered")
            }
            guard current.status.runsClock else {
                throw Problem(status: 409, code: .requestUnverified, title: "This request is not confirmed yet",
                              detail: "the subject confirms it with the mailed code first")
            }
            var checks = FieldChecks()
            let resolution = checks.requiredLines("resolution", request.resolution, maxLength: 2000)
            try checks.finish()
            guard let resolution else { throw Problem.internalError("validation let a missing field through") }
            try await transaction.query("""
                UPDATE data_requests SET status = 'completed', completed_at = \(now), resolution = \(resolution) WHERE id = \(current.id)
                """)
            try await DataRequestRecords.audit(current.id, by: "staff \(actor.accountID.uuidString.lowercased())", "completed", resolution,
                                               at: now, on: transaction)
            try await transaction.emit(DataRequestResolved(requestID: current.id, accountID: current.accountID, resolution: resolution))
            return try await DataRequestRecords.find(current.id, at: now, on: transaction.connection, logger: context.logger)
        }
    }

    /// The request, locked for the change, and when its clock started (receipt, or the verification
    /// of one staff entered): 404 for an unknown one and 409 for a closed one, whatever the body says.
    private static func openRequest(_ id: UUID, at now: Date, on transaction: Transaction, logger: Logger) async throws -> (DataRequest, Date) {
        let clockStart = try await transaction.query("""
            SELECT coalesce(verified_at, received_at) FROM data_requests WHERE id = \(id) FOR UPDATE
            """).decode(Date.self).first { _ in true }
        let current = try await DataRequestRecords.find(id, at: now, on: transaction.connection, logger: logger)
        guard current.status.isOpen, let clockStart else {
            throw Problem(status: 409, code: .requestClosed, title: "This request is no longer open", detail: "it is \(current.status.rawValue)")
        }
        return (current, clockStart)
    }
}
