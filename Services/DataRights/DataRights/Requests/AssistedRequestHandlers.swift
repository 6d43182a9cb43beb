import Contracts
import Foundation
import MessageBus
import Persistence
import ServiceRuntime

/// Requests that arrived by email, telephone or a scanned form: support staff enter them for the
/// account the address names, and the subject confirms them with the code mailed to the registered
/// address. Until then the request is `unverified`, its clock paused; after 7 days it expires.
struct AssistedRequestHandlers: Sendable {
    let database: Database
    let services: SubjectServices
    let now: @Sendable () -> Date

    func register(into handlers: inout RPCHandlers) {
        handlers.register(EnterDataRequest.self, enter)
        handlers.register(VerifyDataRequest.self, verify)
    }

    /// `data-rights.enter-request.v1`.
    @Sendable func enter(_ request: EnterDataRequest, _ context: RequestContext) async throws -> DataRequest {
        let actor = try context.caller()
        var checks = FieldChecks()
        let (kind, scope, details) = RequestIntake.fields(kind: request.kind, scope: request.scope, details: request.details, checks: &checks)
        let email = checks.email("email", request.email)
        let channel = checks.oneOf("channel", request.channel, as: RequestChannel.self)
        if channel == .platform { checks.fail("channel", "is email, phone or form for a request staff enter") }
        let note = checks.optional("note", request.note, maxLength: 2000)
        try checks.finish()
        guard let kind, let email, let channel else { throw Problem.internalError("validation let a missing field through") }
        guard let accountID = try await services.account(using: email, by: context) else {
            throw Problem.notFound("no account is registered with this address")
        }
        let now = self.now()
        let id = UUID()
        let code = VerificationCode.generate()
        return try await database.transaction(context, idempotent: try MessageCodec.encode(request)) { transaction in
            let entry = RequestIntake.Entry(
                accountID: accountID, kind: kind, scope: scope, details: details, channel: channel, enteredBy: actor.accountID,
                staffNote: note.nonEmpty, codeHash: VerificationCode.hash(code, of: id))
            try await RequestIntake.receive(entry, id: id, verified: false, at: now, on: transaction)
            try await DataRequestRecords.audit(id, by: "staff \(actor.accountID.uuidString.lowercased())", "received", "by \(channel.rawValue)",
                                               at: now, on: transaction)
            try await transaction.emit(DataRequestVerificationRequested(
                requestID: id, accountID: accountID, kind: kind, channel: channel, code: code, verifyBy: VerificationCode.verifyBy(receivedAt: now)))
            try await DataRequestRecords.audit(id, by: "platform", "verification code mailed", "to the registered address", at: now, on: transaction)
            return try await DataRequestRecords.find(id, at: now, on: transaction.connection, logger: context.logger)
        }
    }

    /// `data-rights.verify-request.v1`: the right code starts the request's clock and its tasks. A
    /// wrong one counts against the five tries; every refusal looks the same, so nothing is learnt
    /// from it. The same right code again answers the request as it stands (a retried confirmation).
    @Sendable func verify(_ request: VerifyDataRequest, _ context: RequestContext) async throws -> DataRequest {
        let refused = Problem.notFound("no request awaits this code: it is wrong, used up or expired; ask support to enter the request again")
        let code = request.code ?? ""
        guard VerificationCode.isWellFormed(code) else { throw refused }
        let now = self.now()
        let confirmed: DataRequest? = try await database.transaction(context) { transaction in
            let rows = try await transaction.query("""
                SELECT kind, status, code_hash, code_attempts, received_at, verified_at IS NOT NULL FROM data_requests
                WHERE id = \(request.requestID) AND code_hash IS NOT NULL FOR UPDATE
                """)
            guard let (kind, status, hash, attempts, receivedAt, verified) = try await rows.decode((String, String, Data, Int, Date, Bool).self)
                .first(where: { _ in true }), let kind = DataRequestKind(rawValue: kind) else { return nil }
            let matches = VerificationCode.hash(code, of: request.requestID) == hash
            guard status == DataRequestStatus.unverified.rawValue, attempts < VerificationCode.attempts,
                  now < VerificationCode.verifyBy(receivedAt: receivedAt) else {
                return matches && verified ? try await DataRequestRecords.find(request.requestID, at: now, on: transaction.connection, logger: context.logger) : nil
            }
            try await transaction.query("UPDATE data_requests SET code_attempts = code_attempts + 1 WHERE id = \(request.requestID)")
            guard matches else {
                try await DataRequestRecords.audit(request.requestID, by: "platform", "wrong verification code",
                                                   "try \(attempts + 1) of \(VerificationCode.attempts)", at: now, on: transaction)
                return nil
            }
            // The clock was paused while the identity was unverified: the month counts from now.
            try await transaction.query("""
                UPDATE data_requests SET status = 'in-progress', verified_at = \(now), due_at = \(RequestIntake.dueDate(from: now))
                WHERE id = \(request.requestID)
                """)
            try await RequestIntake.startTasks(request.requestID, kind: kind, at: now, on: transaction)
            try await DataRequestRecords.audit(request.requestID, by: "subject", "identity verified", "code mailed to the registered address",
                                               at: now, on: transaction)
            return try await DataRequestRecords.find(request.requestID, at: now, on: transaction.connection, logger: context.logger)
        }
        guard let confirmed else { throw refused }
        return confirmed
    }
}
