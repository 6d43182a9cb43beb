import Contracts
import Foundation
import MessageBus
import Persistence
import ServiceRuntime

extension MessagingHandlers {
    /// `messaging.block-company.v1`: a repeat keeps the first block.
    @Sendable func blockCompany(_ request: BlockCompany, _ context: RequestContext) async throws -> Block {
        let (actor, companyID) = try context.callerCompany()
        guard let target = request.companyID else { throw Problem.validationFailed([.init(field: "companyID", message: "is required")]) }
        guard target != companyID else { throw Problem.validationFailed([.init(field: "companyID", message: "is your own company")]) }
        return try await database.transaction(context, idempotent: try MessageCodec.encode(request)) { transaction in
            guard let other = try await KnownCompany.find(target, on: transaction) else { throw Problem.notFound("no company with this id") }
            try await transaction.query("""
                INSERT INTO blocks (company_id, blocked_company_id, blocked_by, blocked_at) VALUES (\(companyID), \(target), \(actor.accountID), \(now()))
                ON CONFLICT DO NOTHING
                """)
            let rows = try await transaction.query("""
                SELECT blocked_at FROM blocks WHERE company_id = \(companyID) AND blocked_company_id = \(target)
                """)
            for try await at in rows.decode(Date.self) { return Block(companyID: target, companyName: other.name, blockedAt: at) }
            throw Problem.internalError("the block was not stored")
        }
    }

    /// `messaging.unblock-company.v1`: lifting a block that does not exist is no error.
    @Sendable func unblockCompany(_ request: UnblockCompany, _ context: RequestContext) async throws -> NoContent {
        let (_, companyID) = try context.callerCompany()
        return try await database.transaction(context, idempotent: try MessageCodec.encode(request)) { transaction in
            try await transaction.query("DELETE FROM blocks WHERE company_id = \(companyID) AND blocked_company_id = \(request.companyID)")
            return NoContent()
        }
    }

    /// `messaging.list-blocks.v1`: newest first.
    @Sendable func listBlocks(_ request: ListBlocks, _ context: RequestContext) async throws -> Page<Block> {
        let (_, companyID) = try context.callerCompany()
        let (limit, after) = try Cursor.read(request.page)
        return try await database.transaction(context) { transaction in
            let rows = try await transaction.query("""
                SELECT b.blocked_company_id, coalesce(c.name, 'A former member'), b.blocked_at, floor(extract(epoch FROM b.blocked_at) * 1000000)::int8
                FROM blocks b LEFT JOIN companies c ON c.company_id = b.blocked_company_id
                WHERE b.company_id = \(companyID)
                  AND (floor(extract(epoch FROM b.blocked_at) * 1000000)::int8, b.blocked_company_id::text) < (\(after.position), \(after.id))
                ORDER BY 4 DESC, b.blocked_company_id::text DESC LIMIT \(limit + 1)
                """)
            var items: [(Block, Cursor)] = []
            for try await (id, name, at, position) in rows.decode((UUID, String, Date, Int64).self) {
                items.append((Block(companyID: id, companyName: name, blockedAt: at), Cursor(position: position, id: id.uuidString.lowercased())))
            }
            return Cursor.page(items, limit: limit)
        }
    }

    /// `messaging.report-conversation.v1`: a participant reports the conversation or one of its
    /// messages; `support` staff may read that conversation from then on.
    @Sendable func reportConversation(_ request: ReportConversation, _ context: RequestContext) async throws -> Report {
        let (actor, companyID) = try context.callerCompany()
        var checks = FieldChecks()
        if request.conversationID == nil { checks.fail("conversationID", "is required") }
        let reason = checks.requiredLines("reason", request.reason, maxLength: 2000)
        try checks.finish()
        guard let conversationID = request.conversationID, let reason else { throw Problem.internalError("validation let a missing field through") }
        return try await database.transaction(context, idempotent: try MessageCodec.encode(request)) { transaction in
            guard try await ConversationRecords.participants(of: conversationID, for: actor, on: transaction) != nil else { throw Problem.noConversation }
            if let messageID = request.messageID {
                let known = try await transaction.query("SELECT 1 FROM messages WHERE id = \(messageID) AND conversation_id = \(conversationID)")
                guard try await known.exists else {
                    throw Problem.validationFailed([.init(field: "messageID", message: "is not a message of this conversation")])
                }
            }
            let report = Report(
                id: UUID(), conversationID: conversationID, messageID: request.messageID, reason: reason, reportedBy: actor.accountID,
                companyID: companyID, createdAt: now())
            try await transaction.query("""
                INSERT INTO reports (id, conversation_id, message_id, reason, reported_by, company_id, created_at)
                VALUES (\(report.id), \(conversationID), \(report.messageID), \(reason), \(actor.accountID), \(companyID), \(report.createdAt))
                """)
            return report
        }
    }

    /// `messaging.list-reports.v1`: for `support` staff, newest first.
    @Sendable func listReports(_ request: ListReports, _ context: RequestContext) async throws -> Page<Report> {
        let (limit, after) = try Cursor.read(request.page)
        return try await database.transaction(context) { transaction in
            let rows = try await transaction.query("""
                SELECT id, conversation_id, message_id, reason, reported_by, company_id, created_at,
                       floor(extract(epoch FROM created_at) * 1000000)::int8
                FROM reports WHERE (floor(extract(epoch FROM created_at) * 1000000)::int8, id::text) < (\(after.position), \(after.id))
                ORDER BY 8 DESC, id::text DESC LIMIT \(limit + 1)
                """)
            var items: [(Report, Cursor)] = []
            for try await (id, conversation, message, reason, by, company, at, position) in rows.decode(
                (UUID, UUID, UUID?, String, UUID?, UUID, Date, Int64).self)
            {
                // A reporter whose data was erased is no longer named.
                items.append((Report(id: id, conversationID: conversation, messageID: message, reason: reason, reportedBy: by,
                                     companyID: company, createdAt: at), Cursor(position: position, id: id.uuidString.lowercased())))
            }
            return Cursor.page(items, limit: limit)
        }
    }
}
