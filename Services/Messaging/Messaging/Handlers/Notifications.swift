import Contracts
import Foundation
import MessageBus
import Persistence
import ServiceRuntime

/// Notifications other services' events produce for people, or for the members of companies:
/// stored with read state, and pushed to their live feeds in the same transaction.
enum Notifications {
    static func notify(
        companies: [UUID], type: String, title: String, data: [String: String], at time: Date, on transaction: Transaction
    ) async throws {
        try await notify(accounts: try await Feed.members(of: companies, on: transaction), type: type, title: title, data: data, at: time,
                         on: transaction)
    }

    static func notify(
        accounts: [UUID], type: String, title: String, data: [String: String], at time: Date, on transaction: Transaction
    ) async throws {
        for account in accounts {
            let notification = UserNotification(id: UUID(), type: type, title: title, data: data, createdAt: time, readAt: nil)
            try await transaction.query("""
                INSERT INTO notifications (id, account_id, type, title, data, created_at)
                VALUES (\(notification.id), \(account), \(type), \(title), \(String(decoding: try MessageCodec.encode(data), as: UTF8.self))::jsonb, \(time))
                """)
            try await Feed.append(Feed.notification, notification, to: [account], at: time, on: transaction)
        }
    }
}

extension MessagingHandlers {
    /// `messaging.list-notifications.v1`: the caller's, newest first, optionally only the unread.
    @Sendable func listNotifications(_ request: ListNotifications, _ context: RequestContext) async throws -> Page<UserNotification> {
        let actor = try context.caller()
        let (limit, after) = try Cursor.read(request.page)
        return try await database.transaction(context) { transaction in
            let rows = try await transaction.query("""
                SELECT id, type, title, data::text, created_at, read_at, floor(extract(epoch FROM created_at) * 1000000)::int8
                FROM notifications
                WHERE account_id = \(actor.accountID) AND (NOT \(request.unreadOnly) OR read_at IS NULL)
                  AND (floor(extract(epoch FROM created_at) * 1000000)::int8, id::text) < (\(after.position), \(after.id))
                ORDER BY 7 DESC, id::text DESC LIMIT \(limit + 1)
                """)
            var items: [(UserNotification, Cursor)] = []
            for try await (id, type, title, data, at, readAt, position) in rows.decode((UUID, String, String, String, Date, Date?, Int64).self) {
                let fields = (try? MessageCodec.decode([String: String].self, from: Data(data.utf8))) ?? [:]
                items.append((UserNotification(id: id, type: type, title: title, data: fields, createdAt: at, readAt: readAt),
                              Cursor(position: position, id: id.uuidString.lowercased())))
            }
            return Cursor.page(items, limit: limit)
        }
    }

    /// `messaging.mark-notification-read.v1`: marking one again changes nothing.
    @Sendable func markNotificationRead(_ request: MarkNotificationRead, _ context: RequestContext) async throws -> NoContent {
        let actor = try context.caller()
        return try await database.transaction(context, idempotent: try MessageCodec.encode(request)) { transaction in
            let rows = try await transaction.query("""
                UPDATE notifications SET read_at = coalesce(read_at, \(now())) WHERE id = \(request.notificationID) AND account_id = \(actor.accountID)
                RETURNING 1
                """)
            guard try await rows.exists else { throw Problem.notFound("no notification of yours has this id") }
            return NoContent()
        }
    }
}
