import Foundation

// What the messaging service answers: conversations between two companies, their messages, the
// caller's blocks, reports to staff, notifications and the live feed. Conversations belong to the
// companies in them; each message names the person who wrote it.

/// What a conversation is about, as the platform keeps and shows it.
public enum SubjectKind: String, Codable, Sendable, CaseIterable {
    case product, exhibitor, rfq, quote
}

public struct ConversationSubject: Codable, Sendable, Equatable {
    public var kind: SubjectKind
    public var id: UUID
    /// The product's name, the exhibitor's or the RFQ's title, as it was when the conversation began.
    public var title: String

    public init(kind: SubjectKind, id: UUID, title: String) {
        self.kind = kind
        self.id = id
        self.title = title
    }
}

public struct ChatMessage: Codable, Sendable, Equatable {
    public var id: UUID
    public var conversationID: UUID
    public var companyID: UUID
    /// The person who wrote it; nil once their data was erased (the text is then removed too).
    public var authorID: UUID?
    public var text: String
    public var attachments: [Attachment]
    public var createdAt: Date
    public var editedAt: Date?
    /// Its author's data was erased: the text is "message removed" and nothing else is kept.
    public var removed: Bool
    /// The text seems to hold an email address, a telephone number or a messenger handle: the
    /// platform's rules warn the sender (the text is kept as written).
    public var contactDetailsWarning: Bool

    public init(
        id: UUID, conversationID: UUID, companyID: UUID, authorID: UUID?, text: String, attachments: [Attachment], createdAt: Date,
        editedAt: Date?, removed: Bool, contactDetailsWarning: Bool
    ) {
        self.id = id
        self.conversationID = conversationID
        self.companyID = companyID
        self.authorID = authorID
        self.text = text
        self.attachments = attachments
        self.createdAt = createdAt
        self.editedAt = editedAt
        self.removed = removed
        self.contactDetailsWarning = contactDetailsWarning
    }
}

/// A conversation as one of its two companies sees it.
public struct Conversation: Codable, Sendable, Equatable {
    public var id: UUID
    /// The other company, and its name as messaging knows it.
    public var companyID: UUID
    public var companyName: String
    public var subject: ConversationSubject?
    /// The company that opened it (an inquiry).
    public var startedBy: UUID
    public var createdAt: Date
    public var lastMessageAt: Date
    public var lastMessage: ChatMessage?
    /// Messages from the other company the caller has not read.
    public var unread: Int
    /// The last of the caller's company's messages the other company has read (a read receipt).
    public var readByOtherUpTo: UUID?
    /// No message can be sent: one side blocked the other, or a participant's processing is restricted.
    public var readOnly: Bool

    public init(
        id: UUID, companyID: UUID, companyName: String, subject: ConversationSubject?, startedBy: UUID, createdAt: Date,
        lastMessageAt: Date, lastMessage: ChatMessage?, unread: Int, readByOtherUpTo: UUID?, readOnly: Bool
    ) {
        self.id = id
        self.companyID = companyID
        self.companyName = companyName
        self.subject = subject
        self.startedBy = startedBy
        self.createdAt = createdAt
        self.lastMessageAt = lastMessageAt
        self.lastMessage = lastMessage
        self.unread = unread
        self.readByOtherUpTo = readByOtherUpTo
        self.readOnly = readOnly
    }
}

public struct UnreadCounts: Codable, Sendable, Equatable {
    public struct Item: Codable, Sendable, Equatable {
        public var id: UUID
        public var unread: Int

        public init(id: UUID, unread: Int) {
            self.id = id
            self.unread = unread
        }
    }

    public var total: Int
    public var conversations: [Item]

    public init(total: Int, conversations: [Item]) {
        self.total = total
        self.conversations = conversations
    }
}

public struct Block: Codable, Sendable, Equatable {
    public var companyID: UUID
    public var companyName: String
    public var blockedAt: Date

    public init(companyID: UUID, companyName: String, blockedAt: Date) {
        self.companyID = companyID
        self.companyName = companyName
        self.blockedAt = blockedAt
    }
}

/// A conversation or one message reported to `support` staff, who may then read that conversation.
public struct Report: Codable, Sendable, Equatable {
    public var id: UUID
    public var conversationID: UUID
    public var messageID: UUID?
    public var reason: String
    /// Nil once the reporter's data was erased.
    public var reportedBy: UUID?
    public var companyID: UUID
    public var createdAt: Date

    public init(id: UUID, conversationID: UUID, messageID: UUID?, reason: String, reportedBy: UUID?, companyID: UUID, createdAt: Date) {
        self.id = id
        self.conversationID = conversationID
        self.messageID = messageID
        self.reason = reason
        self.reportedBy = reportedBy
        self.companyID = companyID
        self.createdAt = createdAt
    }
}

/// Something another service told a person about: an RFQ that matched, a quote received or decided.
public struct UserNotification: Codable, Sendable, Equatable {
    public var id: UUID
    /// `rfq-matched`, `quote-received`, `quote-decided`, `rfq-expired`, `complaint-<step>`, `security-incident`.
    public var type: String
    public var title: String
    /// The ids the notification is about, by name (`rfqId`, `quoteId`, ...).
    public var data: [String: String]
    public var createdAt: Date
    public var readAt: Date?

    public init(id: UUID, type: String, title: String, data: [String: String], createdAt: Date, readAt: Date?) {
        self.id = id
        self.type = type
        self.title = title
        self.data = data
        self.createdAt = createdAt
        self.readAt = readAt
    }
}

/// One entry of a person's live feed: what a WebSocket frame carries. `cursor` counts each
/// person's entries from 1 in the order they committed, so a client that resumes after one misses
/// nothing and sees nothing twice.
public struct FeedEntry: Codable, Sendable, Equatable {
    /// `message.created`, `message.read` or `notification`.
    public var type: String
    public var cursor: Int64
    /// The entry's object (a message, a read receipt, a notification) as JSON.
    public var data: String
    public var createdAt: Date

    public init(type: String, cursor: Int64, data: String, createdAt: Date) {
        self.type = type
        self.cursor = cursor
        self.data = data
        self.createdAt = createdAt
    }
}

/// The data of a `message.read` entry: the reader's company has read the conversation up to a message.
public struct ReadReceipt: Codable, Sendable, Equatable {
    public var conversationID: UUID
    public var companyID: UUID
    public var upTo: UUID
    public var readAt: Date

    public init(conversationID: UUID, companyID: UUID, upTo: UUID, readAt: Date) {
        self.conversationID = conversationID
        self.companyID = companyID
        self.upTo = upTo
        self.readAt = readAt
    }
}

public struct FeedPage: Codable, Sendable, Equatable {
    public var entries: [FeedEntry]
    /// The newest cursor of the person's feed when it was read.
    public var head: Int64

    public init(entries: [FeedEntry], head: Int64) {
        self.entries = entries
        self.head = head
    }
}
