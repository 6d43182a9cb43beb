import Contracts
import Foundation
import MessageBus
import Persistence
import ServiceRuntime

/// Security incidents: recorded by staff with whom they touched, decided for the regulator within
/// 72 hours of discovery, and told to every affected person by mail (whatever their marketing
/// choices) and live notice, or to everyone as an announcement when one by one is impractical.
struct IncidentHandlers: Sendable {
    let database: Database
    let services: SubjectServices
    let now: @Sendable () -> Date

    /// A list of named accounts this long is told one by one; a larger group is described by criteria.
    static let maximumNamedAccounts = 10_000

    func register(into handlers: inout RPCHandlers) {
        handlers.register(RecordIncident.self, record)
        handlers.register(ListIncidents.self, list)
        handlers.register(NotifyIncident.self, notify)
        handlers.register(DecideRegulatorNotification.self, decide)
        handlers.register(ListMyNotices.self, listMine)
    }

    /// `data-rights.record-incident.v1`.
    @Sendable func record(_ request: RecordIncident, _ context: RequestContext) async throws -> Incident {
        let actor = try context.caller()
        let now = self.now()
        var checks = FieldChecks()
        let title = checks.required("title", request.title, maxLength: 200)
        let discoveredAt = checks.time("discoveredAt", request.discoveredAt)
        let description = checks.requiredLines("description", request.description, maxLength: 5000)
        let accounts = Array(Set(request.affected?.accountIDs ?? []))
        if accounts.count > Self.maximumNamedAccounts {
            checks.fail("affected.accountIDs", "names at most \(Self.maximumNamedAccounts) accounts; describe a larger group in criteria")
        }
        let criteria = checks.optional("affected.criteria", request.affected?.criteria, maxLength: 2000).nonEmpty
        if accounts.isEmpty, criteria == nil { checks.fail("affected", "names the affected accounts, or criteria that describe them") }
        let measures = checks.requiredLines("measures", request.measures, maxLength: 5000)
        let advice = checks.requiredLines("advice", request.advice, maxLength: 5000)
        try checks.finish()
        guard let title, let discoveredAt, let description, let measures, let advice else {
            throw Problem.internalError("validation let a missing field through")
        }
        // A mistyped id would leave its person untold, and the incident would look notified in full.
        // Well-formed ids that name nobody conflict with the platform's accounts, as a future
        // discovery time conflicts with its clock: 409, not a validation error.
        let unknown = try await services.unknownAccounts(among: accounts, by: context)
        if !unknown.isEmpty {
            let shown = unknown.prefix(5).map { $0.uuidString.lowercased() }.joined(separator: ", ") + (unknown.count > 5 ? ", ..." : "")
            throw Problem(status: 409, code: .unknownAffectedAccounts, title: "An affected account does not exist",
                          detail: "no account has the id\(unknown.count == 1 ? "" : "s") \(shown) (affected.accountIDs)")
        }
        // A well-formed time the clock has not reached yet: it would move the regulator deadline.
        guard discoveredAt <= now.addingTimeInterval(300) else {
            throw Problem(status: 409, code: .discoveredInFuture, title: "An incident is recorded once discovered",
                          detail: "discoveredAt is later than now; give the time it was discovered")
        }
        return try await database.transaction(context, idempotent: try MessageCodec.encode(request)) { transaction in
            let id = UUID()
            try await transaction.query("""
                INSERT INTO incidents (id, title, description, discovered_at, recorded_at, recorded_by, criteria, measures, advice)
                VALUES (\(id), \(title), \(description), \(discoveredAt), \(now), \(actor.accountID), \(criteria), \(measures), \(advice))
                """)
            try await transaction.query("""
                INSERT INTO incident_notices (incident_id, account_id) SELECT \(id), unnest(\(accounts)::uuid[])
                """)
            return try await IncidentRecords.find(id, at: now, on: transaction.connection, logger: context.logger)
        }
    }

    /// `data-rights.list-incidents.v1`: newest discovery first, each with its regulator deadline.
    @Sendable func list(_ request: ListIncidents, _ context: RequestContext) async throws -> Page<Incident> {
        let (limit, after) = try Cursor.read(request.page)
        let now = self.now()
        return try await database.withConnection { connection in
            var items: [(Incident, Cursor)] = []
            for try await row in try await connection.query("""
                \(unescaped: IncidentRecords.select)
                WHERE (floor(extract(epoch FROM i.discovered_at) * 1000000)::int8, i.id::text) < (\(after.position), \(after.id))
                ORDER BY 14 DESC, i.id::text DESC LIMIT \(limit + 1)
                """, logger: context.logger).decode(IncidentRecords.Row.self) {
                items.append((IncidentRecords.decode(row, at: now), Cursor(position: row.13, id: row.0.uuidString.lowercased())))
            }
            return Cursor.page(items, limit: limit)
        }
    }

    /// `data-rights.notify-incident.v1`: each affected account's notice goes out once, announced for
    /// marketing to mail and messaging to show live; 409 `incident-notified` the second time.
    @Sendable func notify(_ request: NotifyIncident, _ context: RequestContext) async throws -> Incident {
        let now = self.now()
        return try await database.transaction(context, idempotent: try MessageCodec.encode(request)) { transaction in
            let notified = try await transaction.query("SELECT notified_at FROM incidents WHERE id = \(request.incidentID) FOR UPDATE")
                .decode(Date?.self).first { _ in true }
            guard let notified else { throw Problem.notFound("no incident has this id") }
            if let notified {
                throw Problem(status: 409, code: .incidentNotified, title: "The affected were told already",
                              detail: "notices went out at \(notified.formatted(.iso8601))")
            }
            try await transaction.query("UPDATE incidents SET notified_at = \(now) WHERE id = \(request.incidentID)")
            let incident = try await IncidentRecords.find(request.incidentID, at: now, on: transaction.connection, logger: context.logger)
            let notice = SecurityNotice(
                incidentID: incident.id, kind: .individual, title: incident.title, description: incident.description, measures: incident.measures,
                advice: incident.advice, discoveredAt: incident.discoveredAt, issuedAt: now)
            for try await accountID in try await transaction.query("""
                UPDATE incident_notices SET issued_at = \(now) WHERE incident_id = \(incident.id) RETURNING account_id
                """).decode(UUID.self) {
                try await transaction.emit(SecurityNoticeIssued(accountID: accountID, notice: notice))
            }
            return incident
        }
    }

    /// `data-rights.decide-regulator-notification.v1`: once; a decision after the 72 hours is marked late.
    @Sendable func decide(_ request: DecideRegulatorNotification, _ context: RequestContext) async throws -> Incident {
        let actor = try context.caller()
        let now = self.now()
        return try await database.transaction(context, idempotent: try MessageCodec.encode(request)) { transaction in
            let decided = try await transaction.query("SELECT regulator_decided_at FROM incidents WHERE id = \(request.incidentID) FOR UPDATE")
                .decode(Date?.self).first { _ in true }
            guard let decided else { throw Problem.notFound("no incident has this id") }
            if let decided {
                throw Problem(status: 409, code: .regulatorDecided, title: "The regulator decision is made",
                              detail: "it was made at \(decided.formatted(.iso8601))")
            }
            var checks = FieldChecks()
            if request.notify == nil { checks.fail("notify", "is required: true or false") }
            let reason = checks.requiredLines("reason", request.reason, maxLength: 2000)
            try checks.finish()
            guard let notify = request.notify, let reason else { throw Problem.internalError("validation let a missing field through") }
            try await transaction.query("""
                UPDATE incidents SET regulator_notify = \(notify), regulator_reason = \(reason), regulator_decided_at = \(now),
                    regulator_decided_by = \(actor.accountID)
                WHERE id = \(request.incidentID)
                """)
            return try await IncidentRecords.find(request.incidentID, at: now, on: transaction.connection, logger: context.logger)
        }
    }

    /// `data-rights.list-my-notices.v1`.
    @Sendable func listMine(_ request: ListMyNotices, _ context: RequestContext) async throws -> Page<SecurityNotice> {
        let actor = try context.caller()
        let (limit, after) = try Cursor.read(request.page)
        return try await database.withConnection { connection in
            Cursor.page(try await IncidentRecords.notices(
                of: actor.accountID, individualOnly: false, after: after, limit: limit + 1, on: connection, logger: context.logger), limit: limit)
        }
    }
}

extension Problem.Code {
    static let incidentNotified = Problem.Code("incident-notified")
    static let discoveredInFuture = Problem.Code("discovered-in-future")
    static let unknownAffectedAccounts = Problem.Code("unknown-affected-accounts")
    static let regulatorDecided = Problem.Code("regulator-decided")
}
