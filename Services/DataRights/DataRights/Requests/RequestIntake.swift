import Contracts
import Foundation
import Persistence
import ServiceRuntime

/// Where every request begins, whoever took it: the rules on its kind and scope, one open request
/// of a kind (and scope) per person, the statutory clock, and, once the identity is verified, one
/// task per service that holds personal data.
enum RequestIntake {
    struct Entry {
        var accountID: UUID
        var kind: DataRequestKind
        var scope: ObjectionScope?
        var lifting = false
        var details: String?
        var channel: RequestChannel
        var enteredBy: UUID?
        var staffNote: String?
        var codeHash: Data?
    }

    /// The kind, for an objection its scope, and the details, which a rectification needs (what is
    /// wrong and what is right); the same rules for the person and for staff.
    static func fields(
        kind: String?, scope: String?, details: String?, checks: inout FieldChecks
    ) -> (kind: DataRequestKind?, scope: ObjectionScope?, details: String?) {
        let parsed = checks.oneOf("kind", kind, as: DataRequestKind.self)
        var objectionScope: ObjectionScope?
        if parsed == .objection {
            objectionScope = checks.oneOf("scope", scope, as: ObjectionScope.self)
        } else if scope != nil {
            checks.fail("scope", "is only for an objection")
        }
        if parsed == .rectification {
            return (parsed, nil, checks.requiredLines("details", details, maxLength: 2000))
        }
        return (parsed, objectionScope, checks.optional("details", details, maxLength: 2000).nonEmpty)
    }

    /// GDPR Art. 12(3): one calendar month.
    static func dueDate(from start: Date) -> Date {
        Calendar(identifier: .gregorian).date(byAdding: .month, value: 1, to: start) ?? start.addingTimeInterval(30 * 86400)
    }

    /// Stores `entry` as request `id`: `in-progress` with its tasks when the identity is verified,
    /// else `unverified`, waiting for its code. 409 `request-open` while one of its kind is open.
    static func receive(_ entry: Entry, id: UUID, verified: Bool, at now: Date, on transaction: Transaction) async throws {
        // The lock serialises two racing requests of a kind.
        try await transaction.query("SELECT pg_advisory_xact_lock(hashtext(\(entry.accountID.uuidString + entry.kind.rawValue)))")
        let openOne = try await transaction.query("""
            SELECT id FROM data_requests WHERE account_id = \(entry.accountID) AND kind = \(entry.kind.rawValue)
              AND scope IS NOT DISTINCT FROM \(entry.scope?.rawValue) AND lifting = \(entry.lifting)
              AND status IN ('unverified', 'in-progress', 'waiting-for-services')
            """).decode(UUID.self).first { _ in true }
        if let openOne {
            throw Problem(status: 409, code: .requestOpen, title: "A request of this kind is open already",
                          detail: "request \(openOne.uuidString.lowercased()) is still being handled; follow it or cancel it first")
        }
        let status: DataRequestStatus = verified ? .inProgress : .unverified
        try await transaction.query("""
            INSERT INTO data_requests (id, account_id, kind, scope, lifting, details, status, received_at, due_at, channel, entered_by, staff_note,
                                       code_hash, verified_at)
            VALUES (\(id), \(entry.accountID), \(entry.kind.rawValue), \(entry.scope?.rawValue), \(entry.lifting), \(entry.details),
                    \(status.rawValue), \(now), \(dueDate(from: now)), \(entry.channel.rawValue), \(entry.enteredBy), \(entry.staffNote),
                    \(entry.codeHash), \(verified ? now : nil))
            """)
        if verified { try await startTasks(id, kind: entry.kind, at: now, on: transaction) }
    }

    /// One task per service; an erasure reaches the account last, once every other service answered.
    /// A rectification has none: support staff correct what is wrong and record the resolution.
    static func startTasks(_ id: UUID, kind: DataRequestKind, at now: Date, on transaction: Transaction) async throws {
        guard kind != .rectification else { return }
        for service in SubjectServices.holders {
            let state: DataRequestPart.State = kind.erases && service == .accounts ? .waiting : .pending
            try await transaction.query("""
                INSERT INTO data_request_tasks (request_id, service, state, next_attempt_at) VALUES (\(id), \(service.rawValue), \(state.rawValue), \(now))
                """)
        }
    }
}
