import Contracts
import Foundation
import Hummingbird
import MessageBus

/// The messaging part of the HTTP API (API.md, "Messaging"): conversations and their messages,
/// unread counts, blocks, reports, notifications and live tickets. The live socket itself is
/// `LiveRoutes`.
struct MessagingRoutes {
    let forwarder: RPCForwarder

    func add(to router: Router<GatewayContext>) {
        let noConversation = "no conversation of yours has this id"
        let noMessage = "no message of this conversation has this id"
        router.forward(.post, "/v1/conversations", by: forwarder, status: .created) { request, _ in
            try await forwarder.decode(OpenConversation.self, request)
        }
        router.forward(.get, "/v1/conversations", by: forwarder) { request, _ in ListConversations(page: try request.pageRequest()) }
        router.forward(.get, "/v1/conversations/:id", by: forwarder) { _, context in
            GetConversation(conversationID: try context.pathID(noConversation))
        }
        router.forward(.get, "/v1/conversations/:id/messages", by: forwarder) { request, context in
            ListMessages(conversationID: try context.pathID(noConversation), page: try request.pageRequest())
        }
        router.forward(.post, "/v1/conversations/:id/messages", by: forwarder, status: .created) { request, context in
            let id = try context.pathID(noConversation)
            return SendMessage(conversationID: id, fields: try await forwarder.decode(MessageFields.self, request))
        }
        router.forward(.patch, "/v1/conversations/:id/messages/:messageId", by: forwarder) { request, context in
            let (id, messageID) = (try context.pathID(noConversation), try context.pathID(noMessage, parameter: "messageId"))
            return EditMessage(conversationID: id, messageID: messageID, text: try await forwarder.decode(EditForm.self, request).text)
        }
        router.forward(.delete, "/v1/conversations/:id/messages/:messageId", by: forwarder, status: .noContent) { _, context in
            HideMessage(conversationID: try context.pathID(noConversation), messageID: try context.pathID(noMessage, parameter: "messageId"))
        }
        router.forward(.post, "/v1/conversations/:id/read", by: forwarder, status: .noContent) { request, context in
            let id = try context.pathID(noConversation)
            // The body is optional: without one, everything so far is read.
            let form = try await forwarder.decodeIfPresent(ReadForm.self, request)
            return MarkConversationRead(conversationID: id, upTo: form?.upTo)
        }
        router.forward(.get, "/v1/me/unread", by: forwarder) { _, _ in GetUnread() }
        router.forward(.post, "/v1/blocks", by: forwarder, status: .created) { request, _ in
            try await forwarder.decode(BlockCompany.self, request)
        }
        router.forward(.delete, "/v1/blocks/:companyId", by: forwarder, status: .noContent) { _, context in
            UnblockCompany(companyID: try context.pathID("you have not blocked this company", parameter: "companyId"))
        }
        router.forward(.get, "/v1/blocks", by: forwarder) { request, _ in ListBlocks(page: try request.pageRequest()) }
        router.forward(.post, "/v1/reports", by: forwarder, status: .created) { request, _ in
            try await forwarder.decode(ReportConversation.self, request)
        }
        router.forward(.get, "/v1/admin/reports", by: forwarder) { request, _ in ListReports(page: try request.pageRequest()) }
        router.forward(.get, "/v1/me/notifications", by: forwarder) { request, _ in
            ListNotifications(unreadOnly: try request.flag("unread") ?? false, page: try request.pageRequest())
        }
        router.forward(.post, "/v1/me/notifications/:id/read", by: forwarder, status: .noContent) { _, context in
            MarkNotificationRead(notificationID: try context.pathID("no notification of yours has this id"))
        }
        // No Idempotency-Key here: the stored reply would hold the secret ticket.
        router.post("/v1/live/tickets") { request, context in
            try await forwarder.forward(IssueLiveTicket(), request: request, context: context, status: .created, idempotent: false)
        }
    }

    struct EditForm: Decodable {
        var text: String?
    }

    struct ReadForm: Decodable {
        var upTo: UUID?
    }
}
