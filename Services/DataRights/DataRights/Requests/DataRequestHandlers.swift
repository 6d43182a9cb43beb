import Contracts
import Foundation
import MessageBus
import Persistence
import ServiceRuntime

/// The subject's requests: received, confirmed by the password, fanned out as one task per
/// service (the task runner asks them), read, cancelled, and the export downloaded.
struct DataRequestHandlers: Sendable {
    let database: Database
    let services: SubjectServices
    let now: @Sendable () -> Date

    static let exportLifetime: TimeInterval = 7 * 86400

    func register(into handlers: inout RPCHandlers) {
        handlers.register(CreateDataRequest.self, createRequest)
        handlers.register(ListDataRequests.self, listRequests)
        handlers.register(GetDataRequest.self, getRequest)
        handlers.register(CancelDataRequest.self, cancelRequest)
        handlers.register(DownloadExport.self, downloadExport)
        handlers.register(LiftRestriction.self, liftRestriction)
        handlers.register(ListStandingRestrictions.self, listStandingRestrictions)
    }

    /// `data-rights.create-request.v1`: verified by the caller's password; one open request of a
    /// kind (and scope) at a time.
    @Sendable func createRequest(_ request: CreateDataRequest, _ context: RequestContext) async throws -> DataRequest {
        let actor = try context.caller()
        var checks = FieldChecks()
        let (kind, scope, details) = RequestIntake.fields(kind: request.kind, scope: request.scope, details: request.details, checks: &checks)
        if (request.password ?? "").isEmpty { checks.fail("password", "is required to confirm the request") }
        try checks.finish()
        guard let kind else { throw Problem.internalError("validation let a missing field through") }
        try await services.verify(password: request.password, of: context)
        return try await open(kind, scope: scope, lifting: false, details: details, for: actor, verifiedBy: "password", context)
    }

    /// `data-rights.lift-restriction.v1`: lifting is in the subject's favour, so no password.
    @Sendable func liftRestriction(_ request: LiftRestriction, _ context: RequestContext) async throws -> DataRequest {
        let actor = try context.caller()
        let (kind, scope): (DataRequestKind, ObjectionScope?)
        if request.scope == "restriction" {
            (kind, scope) = (.restriction, nil)
        } else if let objection = ObjectionScope(rawValue: request.scope) {
            (kind, scope) = (.objection, objection)
        } else {
            throw Problem.notFound("no restriction or objection is called \(request.scope.printable(maxLength: 40))")
        }
        let standing = try await database.withConnection { connection in
            try await StandingRestrictionRecords.standing(of: actor.accountID, on: connection, logger: context.logger)
        }
        guard standing.contains(where: { $0.scope == request.scope }) else {
            throw Problem(status: 409, code: .nothingToLift, title: "Nothing to lift",
                          detail: scope == nil ? "processing of your data is not restricted" : "you have not objected to \(request.scope)")
        }
        return try await open(kind, scope: scope, lifting: true, details: nil, for: actor, verifiedBy: "session", context)
    }

    private func open(
        _ kind: DataRequestKind, scope: ObjectionScope?, lifting: Bool, details: String?, for actor: Actor, verifiedBy: String,
        _ context: RequestContext
    ) async throws -> DataRequest {
        let now = self.now()
        let id = UUID()
        let fingerprint = try MessageCodec.encode(["kind": kind.rawValue, "scope": scope?.rawValue ?? "", "lifting": "\(lifting)"])
        return try await database.transaction(context, idempotent: fingerprint) { transaction in
            let entry = RequestIntake.Entry(accountID: actor.accountID, kind: kind, scope: scope, lifting: lifting, details: details, channel: .platform)
            try await RequestIntake.receive(entry, id: id, verified: true, at: now, on: transaction)
            try await DataRequestRecords.audit(id, by: "subject", "received", lifting ? "lift \(scope?.rawValue ?? "restriction")" : nil, at: now,
                                               on: transaction)
            try await DataRequestRecords.audit(id, by: "platform", "identity verified", verifiedBy, at: now, on: transaction)
            return try await DataRequestRecords.find(id, of: actor.accountID, at: now, on: transaction.connection, logger: context.logger)
        }
    }

    /// `data-rights.list-standing-restrictions.v1`: what stands for the caller, and what is on its way in or out.
    @Sendable func listStandingRestrictions(_: ListStandingRestrictions, _ context: RequestContext) async throws -> StandingRestrictions {
        let actor = try context.caller()
        return StandingRestrictions(items: try await database.withConnection { connection in
            try await StandingRestrictionRecords.standing(of: actor.accountID, on: connection, logger: context.logger)
        })
    }

    /// `data-rights.list-requests.v1`: the caller's, newest first.
    @Sendable func listRequests(_ request: ListDataRequests, _ context: RequestContext) async throws -> Page<DataRequest> {
        let actor = try context.caller()
        let (limit, after) = try Cursor.read(request.page)
        let now = self.now()
        return try await database.withConnection { connection in
            Cursor.page(try await DataRequestRecords.requests("""
                \(unescaped: DataRequestRecords.select())
                WHERE r.account_id = \(actor.accountID)
                  AND (floor(extract(epoch FROM r.received_at) * 1000000)::int8, r.id::text) < (\(after.position), \(after.id))
                ORDER BY 10 DESC, r.id::text DESC LIMIT \(limit + 1)
                """, at: now, on: connection, logger: context.logger), limit: limit)
        }
    }

    /// `data-rights.get-request.v1`.
    @Sendable func getRequest(_ request: GetDataRequest, _ context: RequestContext) async throws -> DataRequest {
        let actor = try context.caller()
        return try await database.withConnection { connection in
            try await DataRequestRecords.find(request.requestID, of: actor.accountID, at: now(), on: connection, logger: context.logger)
        }
    }

    /// `data-rights.cancel-request.v1`: the parts not yet answered are not asked any more.
    @Sendable func cancelRequest(_ request: CancelDataRequest, _ context: RequestContext) async throws -> DataRequest {
        let actor = try context.caller()
        let now = self.now()
        return try await database.transaction(context, idempotent: try MessageCodec.encode(request)) { transaction in
            let current = try await DataRequestRecords.find(request.requestID, of: actor.accountID, at: now, on: transaction.connection,
                                                            logger: context.logger)
            guard current.status.isOpen else {
                throw Problem(status: 409, code: .requestClosed, title: "This request is no longer open", detail: "it is \(current.status.rawValue)")
            }
            try await transaction.query("""
                UPDATE data_request_tasks SET state = 'cancelled' WHERE request_id = \(current.id) AND state IN ('pending', 'waiting')
                """)
            try await transaction.query("UPDATE data_requests SET status = 'cancelled', completed_at = \(now) WHERE id = \(current.id)")
            try await DataRequestRecords.audit(current.id, by: "subject", "cancelled", at: now, on: transaction)
            return try await DataRequestRecords.find(current.id, of: actor.accountID, at: now, on: transaction.connection, logger: context.logger)
        }
    }

    /// `data-rights.download-export.v1`: the zip, for its subject, while it is kept.
    @Sendable func downloadExport(_ request: DownloadExport, _ context: RequestContext) async throws -> DownloadedFile {
        let actor = try context.caller()
        return try await database.transaction(context) { transaction in
            let rows = try await transaction.query("""
                SELECT e.bundle FROM exports e JOIN data_requests r ON r.id = e.request_id
                WHERE e.request_id = \(request.requestID) AND r.account_id = \(actor.accountID) AND e.available_until > \(now())
                """)
            guard let bundle = try await rows.decode(Data.self).first(where: { _ in true }) else {
                throw Problem.notFound("no export of yours can be downloaded with this id (exports are kept 7 days)")
            }
            try await DataRequestRecords.audit(request.requestID, by: "subject", "export downloaded", at: now(), on: transaction)
            return DownloadedFile(fileName: "online-expo-export-\(request.requestID.uuidString.lowercased()).zip", contentType: "application/zip",
                                  data: bundle)
        }
    }
}

extension DataRequestKind {
    /// Erasure and cancellation delete or anonymise the person's data everywhere.
    var erases: Bool { self == .erasure || self == .cancellation }
    /// Access and portability end in a downloadable export.
    var exports: Bool { self == .access || self == .portability }
}

extension Problem.Code {
    static let requestOpen = Problem.Code("request-open")
    static let requestClosed = Problem.Code("request-closed")
    static let requestUnverified = Problem.Code("request-unverified")
    static let answeredByServices = Problem.Code("answered-by-services")
    static let nothingToLift = Problem.Code("nothing-to-lift")
}
