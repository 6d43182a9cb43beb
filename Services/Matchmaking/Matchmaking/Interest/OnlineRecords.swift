import Contracts
import Foundation
import Logging
import MessageBus
import Persistence
import PostgresNIO
import ServiceRuntime

/// The online records the policy names: signed-in people's visits to products and showcases (not
/// their own company's) and their searches. Nothing is recorded while the person's processing is
/// restricted. Recording never fails the read it accompanies.
struct OnlineRecords: Sendable {
    let database: Database

    /// How long the records are kept.
    static let retentionDays = 365

    func visited(_ kind: FollowKind, _ id: UUID, ownedBy owner: UUID, by actor: Actor?, logger: Logger) async {
        guard let actor, actor.companyID != owner else { return }
        await record(logger) {
            try await $0.query("""
                INSERT INTO visits (account_id, session_id, viewer_company_id, kind, target_id, target_company_id)
                SELECT \(actor.accountID), \(actor.sessionID), \(actor.companyID), \(kind.rawValue), \(id), \(owner)
                WHERE NOT EXISTS (SELECT 1 FROM processing_restrictions WHERE account_id = \(actor.accountID))
                """, logger: logger)
        }
    }

    func searched(_ query: String?, kind: SearchKind, by actor: Actor?, logger: Logger) async {
        guard let actor, let text = query?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return }
        let kept = text.printable(maxLength: 200)
        await record(logger) {
            try await $0.query("""
                INSERT INTO searches (account_id, session_id, query, kind)
                SELECT \(actor.accountID), \(actor.sessionID), \(kept), \(kind.rawValue)
                WHERE NOT EXISTS (SELECT 1 FROM processing_restrictions WHERE account_id = \(actor.accountID))
                """, logger: logger)
        }
    }

    private func record(_ logger: Logger, _ statement: (PostgresConnection) async throws -> Void) async {
        do {
            try await database.withConnection { try await statement($0) }
        } catch {
            logger.warning("online record not written", metadata: ["error": "\(String(reflecting: error))"])
        }
    }

    static let retention = [
        RetentionRule(name: "visits", sql: "DELETE FROM visits WHERE visited_at < now() - interval '\(retentionDays) days'"),
        RetentionRule(name: "searches", sql: "DELETE FROM searches WHERE searched_at < now() - interval '\(retentionDays) days'"),
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
