import Foundation

/// A message's content as a sender writes it.
public struct MessageFields: Codable, Sendable, Equatable {
    public var text: String?
    public var attachments: [AttachmentFields]?

    public init(text: String?, attachments: [AttachmentFields]? = nil) {
        self.text = text
        self.attachments = attachments
    }
}

/// `POST /v1/conversations`: an inquiry to a company, about one of its products, its showcase, an
/// RFQ or a quote; the same two companies and subject always meet in one conversation.
public struct OpenConversation: RequestContract {
    public typealias Reply = Conversation
    public static let type: MessageType = "messaging.open-conversation.v1"
    public static let access = Access.signedIn

    public struct Subject: Codable, Sendable, Equatable {
        public var kind: String?
        public var id: UUID?

        public init(kind: String?, id: UUID?) {
            self.kind = kind
            self.id = id
        }
    }

    public var companyID: UUID?
    public var subject: Subject?
    public var text: String?
    public var attachments: [AttachmentFields]?

    public init(companyID: UUID?, subject: Subject? = nil, text: String?, attachments: [AttachmentFields]? = nil) {
        self.companyID = companyID
        self.subject = subject
        self.text = text
        self.attachments = attachments
    }
}

/// `GET /v1/conversations`: the caller's company's conversations, newest activity first.
public struct ListConversations: RequestContract {
    public typealias Reply = Page<Conversation>
    public static let type: MessageType = "messaging.list-conversations.v1"
    public static let access = Access.signedIn

    public var page: PageRequest

    public init(page: PageRequest = PageRequest()) { self.page = page }
}

/// `GET /v1/conversations/{id}`: for its participants, and for `support` staff once it was reported.
public struct GetConversation: RequestContract {
    public typealias Reply = Conversation
    public static let type: MessageType = "messaging.get-conversation.v1"
    public static let access = Access.signedIn

    public var conversationID: UUID

    public init(conversationID: UUID) { self.conversationID = conversationID }
}

/// `GET /v1/conversations/{id}/messages`: newest first, without those the caller deleted for itself.
public struct ListMessages: RequestContract {
    public typealias Reply = Page<ChatMessage>
    public static let type: MessageType = "messaging.list-messages.v1"
    public static let access = Access.signedIn

    public var conversationID: UUID
    public var page: PageRequest

    public init(conversationID: UUID, page: PageRequest = PageRequest()) {
        self.conversationID = conversationID
        self.page = page
    }
}

/// `POST /v1/conversations/{id}/messages`.
public struct SendMessage: RequestContract {
    public typealias Reply = ChatMessage
    public static let type: MessageType = "messaging.send-message.v1"
    public static let access = Access.signedIn

    public var conversationID: UUID
    public var fields: MessageFields

    public init(conversationID: UUID, fields: MessageFields) {
        self.conversationID = conversationID
        self.fields = fields
    }
}

/// `PATCH /v1/conversations/{id}/messages/{messageId}`: its author's new text, within 15 minutes.
public struct EditMessage: RequestContract {
    public typealias Reply = ChatMessage
    public static let type: MessageType = "messaging.edit-message.v1"
    public static let access = Access.signedIn

    public var conversationID: UUID
    public var messageID: UUID
    public var text: String?

    public init(conversationID: UUID, messageID: UUID, text: String?) {
        self.conversationID = conversationID
        self.messageID = messageID
        self.text = text
    }
}

/// `DELETE /v1/conversations/{id}/messages/{messageId}`: hides it for the caller only.
public struct HideMessage: RequestContract {
    public typealias Reply = NoContent
    public static let type: MessageType = "messaging.hide-message.v1"
    public static let access = Access.signedIn

    public var conversationID: UUID
    public var messageID: UUID

    public init(conversationID: UUID, messageID: UUID) {
        self.conversationID = conversationID
        self.messageID = messageID
    }
}

/// `POST /v1/conversations/{id}/read`: the caller has read up to a message (the newest if none is named).
public struct MarkConversationRead: RequestContract {
    public typealias Reply = NoContent
    public static let type: MessageType = "messaging.mark-conversation-read.v1"
    public static let access = Access.signedIn

    public var conversationID: UUID
    public var upTo: UUID?

    public init(conversationID: UUID, upTo: UUID?) {
        self.conversationID = conversationID
        self.upTo = upTo
    }
}

/// `GET /v1/me/unread`.
public struct GetUnread: RequestContract {
    public typealias Reply = UnreadCounts
    public static let type: MessageType = "messaging.get-unread.v1"
    public static let access = Access.signedIn

    public init() {}
}

/// `POST /v1/blocks`: no messages either way and no new conversations with that company.
public struct BlockCompany: RequestContract {
    public typealias Reply = Block
    public static let type: MessageType = "messaging.block-company.v1"
    public static let access = Access.signedIn

    public var companyID: UUID?

    public init(companyID: UUID?) { self.companyID = companyID }
}

/// `DELETE /v1/blocks/{companyId}`.
public struct UnblockCompany: RequestContract {
    public typealias Reply = NoContent
    public static let type: MessageType = "messaging.unblock-company.v1"
    public static let access = Access.signedIn

    public var companyID: UUID

    public init(companyID: UUID) { self.companyID = companyID }
}

/// `GET /v1/blocks`: the companies the caller's company blocked, newest first.
public struct ListBlocks: RequestContract {
    public typealias Reply = Page<Block>
    public static let type: MessageType = "messaging.list-blocks.v1"
    public static let access = Access.signedIn

    public var page: PageRequest

    public init(page: PageRequest = PageRequest()) { self.page = page }
}

/// `POST /v1/reports`: a participant reports a conversation, or one message of it, to staff.
public struct ReportConversation: RequestContract {
    public typealias Reply = Report
    public static let type: MessageType = "messaging.report-conversation.v1"
    public static let access = Access.signedIn

    public var conversationID: UUID?
    public var messageID: UUID?
    public var reason: String?

    public init(conversationID: UUID?, messageID: UUID? = nil, reason: String?) {
        self.conversationID = conversationID
        self.messageID = messageID
        self.reason = reason
    }
}

/// `GET /v1/admin/reports`: reports for `support` staff, newest first.
public struct ListReports: RequestContract {
    public typealias Reply = Page<Report>
    public static let type: MessageType = "messaging.list-reports.v1"
    public static let access = Access.role(.support)

    public var page: PageRequest

    public init(page: PageRequest = PageRequest()) { self.page = page }
}

/// `GET /v1/me/notifications?unread=`: newest first.
public struct ListNotifications: RequestContract {
    public typealias Reply = Page<UserNotification>
    public static let type: MessageType = "messaging.list-notifications.v1"
    public static let access = Access.signedIn

    public var unreadOnly: Bool
    public var page: PageRequest

    public init(unreadOnly: Bool = false, page: PageRequest = PageRequest()) {
        self.unreadOnly = unreadOnly
        self.page = page
    }
}

/// `POST /v1/me/notifications/{id}/read`.
public struct MarkNotificationRead: RequestContract {
    public typealias Reply = NoContent
    public static let type: MessageType = "messaging.mark-notification-read.v1"
    public static let access = Access.signedIn

    public var notificationID: UUID

    public init(notificationID: UUID) { self.notificationID = notificationID }
}

/// The gateway reads a person's live feed after a cursor (a WebSocket's `since`, or a gap it
/// noticed), oldest first; without a cursor, only the head.
public struct ReadFeed: RequestContract {
    public typealias Reply = FeedPage
    public static let type: MessageType = "messaging.read-feed.v1"
    public static let access = Access.signedIn

    public var after: Int64?
    public var limit: Int

    public init(after: Int64?, limit: Int = 200) {
        self.after = after
        self.limit = limit
    }
}
