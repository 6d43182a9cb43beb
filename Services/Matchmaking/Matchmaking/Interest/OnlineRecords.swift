import Contracts
import Foundation
import Logging
import MessageBus
import Persistence
import PostgresNIO
import ServiceRuntime

/// The online records the policy names: signed-in people's visits to products and showcases (not
/// their own company's) and their searches. Nothing is recorded while the person's processing is
/// restricted. A person's first record of a (UTC) day is told to marketing as `ActivityRecorded`.
/// Recording never fails the read it accompanies.
struct OnlineRecords: Sendable {
    let database: Database

    /// How long the records are kept.
    static let retentionDays = 365

    func visited(_ kind: FollowKind, _ id: UUID, ownedBy owner: UUID, _ context: RequestContext) async {
        guard let actor = context.message.actor, actor.companyID != owner else { return }
        await record(actor, context, """
            WITH recorded AS (INSERT INTO visits (account_id, session_id, viewer_company_id, kind, target_id, target_company_id)
            SELECT \(actor.accountID), \(actor.sessionID), \(actor.companyID), \(kind.rawValue), \(id), \(owner)
            WHERE NOT EXISTS (SELECT 1 FROM processing_restrictions WHERE account_id = \(actor.accountID))
            RETURNING account_id) \(unescaped: Self.firstOfToday)
            """)
    }

    func searched(_ query: String?, kind: SearchKind, _ context: RequestContext) async {
        guard let actor = context.message.actor, let text = query?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty
        else { return }
        let kept = text.printable(maxLength: 200)
        await record(actor, context, """
            WITH recorded AS (INSERT INTO searches (account_id, session_id, query, kind)
            SELECT \(actor.accountID), \(actor.sessionID), \(kept), \(kind.rawValue)
            WHERE NOT EXISTS (SELECT 1 FROM processing_restrictions WHERE account_id = \(actor.accountID))
            RETURNING account_id) \(unescaped: Self.firstOfToday)
            """)
    }

    /// Ends a statement whose `recorded` CTE returns the account of what it recorded: whether that
    /// is the person's first record today. The common case costs one round trip; only the day's
    /// first record pays for the transaction that notes the day and emits the event.
    private static let firstOfToday = """
        SELECT EXISTS (SELECT 1 FROM recorded r WHERE NOT EXISTS (
            SELECT 1 FROM activity_days d WHERE d.account_id = r.account_id AND d.day = (now() AT TIME ZONE 'UTC')::date))
        """

    private func record(_ actor: Actor, _ context: RequestContext, _ statement: PostgresQuery) async {
        do {
            let firstToday = try await database.withConnection { connection in
                var first = false
                for try await value in try await connection.query(statement, logger: context.logger).decode(Bool.self) { first = value }
                return first
            }
            guard firstToday else { return }
            try await database.transaction(context: context.context, logger: context.logger) { transaction in
                var noted: Date?
                for try await at in try await transaction.query("""
                    INSERT INTO activity_days (account_id, day) VALUES (\(actor.accountID), (now() AT TIME ZONE 'UTC')::date)
                    ON CONFLICT DO NOTHING RETURNING now()
                    """).decode(Date.self) { noted = at }
                if let noted { try await transaction.emit(ActivityRecorded(accountID: actor.accountID, activeAt: noted)) }
            }
        } catch {
            context.logger.warning("online record not written", metadata: ["error": "\(String(reflecting: error))"])
        }
    }

    static let retention = [
        RetentionRule(name: "visits", sql: "DELETE FROM visits WHERE visited_at < now() - interval '\(retentionDays) days'"),
        RetentionRule(name: "searches", sql: "DELETE FROM searches WHERE searched_at < now() - interval '\(retentionDays) days'"),
        // Only today's rows keep the event to one a day; the day before stays for requests across midnight.
        RetentionRule(name: "activity days", sql: "DELETE FROM activity_days WHERE day < (now() AT TIME ZONE 'UTC')::date - 2"),
    ]
}

extension MatchmakingHandlers {
    /// `matchmaking.get-history.v1`: the caller's latest 100 visits and searches.
    @Sendable func getHistory(_ request: GetHistory, _ context: RequestContext) async throws -> History {
        let actor = try context.caller()
        return try await database.transaction(context) { transaction in
            var visits: [Visit] = []
            for try await (kind, id, name, at, duration) in try await transaction.query("""
                SELECT v.kind, v.target_id, coalesce(p.name, c.name, 'no longer shown'), v.visited_at, v.duration_seconds
                FROM visits v
                LEFT JOIN products p ON v.kind = 'product' AND p.id = v.target_id
                LEFT JOIN companies c ON v.kind = 'exhibitor' AND c.company_id = v.target_id
                WHERE v.account_id = \(actor.accountID) ORDER BY v.visited_at DESC, v.id DESC LIMIT 100
                """).decode((String, UUID, String, Date, Int?).self) {
                if let kind = FollowKind(rawValue: kind) {
                    visits.append(Visit(kind: kind, id: id, name: name, visitedAt: at, durationSeconds: duration))
                }
            }
            var searches: [SearchRecord] = []
            for try await (query, kind, at) in try await transaction.query("""
                SELECT query, kind, searched_at FROM searches WHERE account_id = \(actor.accountID)
                ORDER BY searched_at DESC, id DESC LIMIT 100
                """).decode((String, String, Date).self) {
                searches.append(SearchRecord(query: query, kind: SearchKind(rawValue: kind) ?? .product, searchedAt: at))
            }
            return History(visits: visits, searches: searches)
        }
    }

    /// `matchmaking.clear-history.v1`.
    @Sendable func clearHistory(_ request: ClearHistory, _ context: RequestContext) async throws -> NoContent {
        let actor = try context.caller()
        return try await database.transaction(context, idempotent: try MessageCodec.encode(request)) { transaction in
            try await transaction.query("DELETE FROM visits WHERE account_id = \(actor.accountID)")
            try await transaction.query("DELETE FROM searches WHERE account_id = \(actor.accountID)")
            return NoContent()
        }
    }

    /// `matchmaking.report-visit-duration.v1`: sets the duration of the caller's latest visit to the
    /// page within the last hour; a page not visited then is a 404.
    @Sendable func reportVisitDuration(_ request: ReportVisitDuration, _ context: RequestContext) async throws -> NoContent {
        let actor = try context.caller()
        var checks = FieldChecks()
        let target = CatalogueChecks.target(request.kind, request.id, checks: &checks)
        if let seconds = request.durationSeconds {
            if !(1...86400).contains(seconds) { checks.fail("durationSeconds", "must be from 1 to 86400 seconds") }
        } else {
            checks.fail("durationSeconds", "is required")
        }
        try checks.finish()
        guard let (kind, id) = target, let seconds = request.durationSeconds else {
            throw Problem.internalError("validation let a missing field through")
        }
        return try await database.transaction(context, idempotent: try MessageCodec.encode(request)) { transaction in
            let rows = try await transaction.query("""
                UPDATE visits SET duration_seconds = \(seconds)
                WHERE id = (SELECT id FROM visits WHERE account_id = \(actor.accountID) AND kind = \(kind.rawValue) AND target_id = \(id)
                              AND visited_at > now() - interval '1 hour' ORDER BY visited_at DESC LIMIT 1)
                RETURNING 1
                """)
            guard try await rows.exists else { throw Problem.notFound("no visit to this page in the last hour") }
            return NoContent()
        }
    }
}
