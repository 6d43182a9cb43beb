import Contracts
import Foundation
import MessageBus
import Persistence
import ServiceRuntime

extension MatchmakingHandlers {
    /// `matchmaking.follow.v1`: follow a shown exhibitor or a listed product; a repeat changes nothing.
    @Sendable func follow(_ request: FollowTarget, _ context: RequestContext) async throws -> FollowCreated {
        let actor = try context.caller()
        var checks = FieldChecks()
        let target = CatalogueChecks.target(request.kind, request.id, checks: &checks)
        try checks.finish()
        guard let (kind, id) = target else { throw Problem.internalError("validation let a missing field through") }
        return try await database.transaction(context, idempotent: try MessageCodec.encode(request)) { transaction in
            let owner: UUID
            switch kind {
            case .product:
                guard let product = try await ProductRecords.find(id, viewer: nil, on: transaction.connection, logger: context.logger)
                else { throw Problem.notFound("no product with this id") }
                owner = product.companyID
            case .exhibitor:
                guard try await ExhibitorRecords.find(id, viewer: nil, on: transaction.connection, logger: context.logger) != nil
                else { throw Problem.notFound("no exhibitor with this id") }
                owner = id
            }
            // Owners see how many follow them: their own follows would only inflate it.
            if owner == actor.companyID { throw Problem.validationFailed([.init(field: "id", message: "is your own company's")]) }
            let inserted = try await transaction.query("""
                INSERT INTO follows (account_id, kind, target_id) VALUES (\(actor.accountID), \(kind.rawValue), \(id))
                ON CONFLICT DO NOTHING RETURNING 1
                """)
            let created = try await inserted.exists
            guard let follow = try await Self.follows(of: actor.accountID, target: id, on: transaction, context).first
            else { throw Problem.internalError("the follow was not stored") }
            if created {
                try await transaction.emit(TargetFollowed(
                    accountID: actor.accountID, kind: kind, targetID: id, companyID: owner, followedAt: follow.followedAt))
            }
            return FollowCreated(follow: follow, created: created)
        }
    }

    /// `matchmaking.unfollow.v1`: stop following; following nothing is no error.
    @Sendable func unfollow(_ request: UnfollowTarget, _ context: RequestContext) async throws -> NoContent {
        let actor = try context.caller()
        guard let kind = FollowKind(rawValue: request.kind) else { throw Problem.notFound("follows are of exhibitors or products") }
        return try await database.transaction(context, idempotent: try MessageCodec.encode(request)) { transaction in
            // The database's clock, as for the follow's time, so that marketing orders the two alike.
            var removedAt: Date?
            for try await at in try await transaction.query("""
                DELETE FROM follows WHERE account_id = \(actor.accountID) AND kind = \(kind.rawValue) AND target_id = \(request.id)
                RETURNING now()
                """).decode(Date.self) { removedAt = at }
            if let removedAt {
                try await transaction.emit(TargetUnfollowed(accountID: actor.accountID, kind: kind, targetID: request.id, unfollowedAt: removedAt))
            }
            return NoContent()
        }
    }

    /// `matchmaking.list-follows.v1`: what the caller follows, newest first.
    @Sendable func listFollows(_ request: ListFollows, _ context: RequestContext) async throws -> Page<Follow> {
        let actor = try context.caller()
        let (limit, after) = try Cursor.read(request.page)
        return try await database.transaction(context) { transaction in
            let rows = try await transaction.query("""
                \(unescaped: Self.followSelect)
                WHERE f.account_id = \(actor.accountID)
                  AND (floor(extract(epoch FROM f.followed_at) * 1000000)::int8, f.target_id::text) < (\(after.position), \(after.id))
                ORDER BY 5 DESC, f.target_id::text DESC LIMIT \(limit + 1)
                """)
            var items: [(Follow, Cursor)] = []
            for try await (kind, id, name, at, position) in rows.decode((String, UUID, String?, Date, Int64).self) {
                guard let kind = FollowKind(rawValue: kind) else { continue }
                items.append((Follow(kind: kind, id: id, name: name ?? "no longer shown", followedAt: at),
                              Cursor(position: position, id: id.uuidString.lowercased())))
            }
            return Cursor.page(items, limit: limit)
        }
    }

    static let followSelect = """
        SELECT f.kind, f.target_id, coalesce(p.name, c.name), f.followed_at, floor(extract(epoch FROM f.followed_at) * 1000000)::int8
        FROM follows f
        LEFT JOIN products p ON f.kind = 'product' AND p.id = f.target_id AND p.listed
        LEFT JOIN companies c ON f.kind = 'exhibitor' AND c.company_id = f.target_id AND NOT c.cancelled
        """

    static func follows(of account: UUID, target: UUID, on transaction: Transaction, _ context: RequestContext) async throws -> [Follow] {
        let rows = try await transaction.query("""
            \(unescaped: followSelect) WHERE f.account_id = \(account) AND f.target_id = \(target)
            """)
        var follows: [Follow] = []
        for try await (kind, id, name, at, _) in rows.decode((String, UUID, String?, Date, Int64).self) {
            if let kind = FollowKind(rawValue: kind) { follows.append(Follow(kind: kind, id: id, name: name ?? "no longer shown", followedAt: at)) }
        }
        return follows
    }
}
