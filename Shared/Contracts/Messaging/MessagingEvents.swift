import Foundation

// Events the messaging service publishes on `expo.events` through its outbox.

/// An entry was added to a person's live feed. Its routing key ends in the person's account id,
/// so only the gateway replicas holding that person's sockets receive it (each binds its own
/// queue to the people connected to it).
public struct FeedEntryAdded: EventContract {
    public static let type: MessageType = "messaging.feed-entry-added.v1"

    public var accountID: UUID
    public var entry: FeedEntry

    public init(accountID: UUID, entry: FeedEntry) {
        self.accountID = accountID
        self.entry = entry
    }

    public var routingSuffix: String? { accountID.uuidString.lowercased() }

    /// The binding key for one person's entries.
    public static func routingKey(for accountID: UUID) -> String { "\(type.rawValue).\(accountID.uuidString.lowercased())" }
}

/// Messages in a conversation have waited unread longer than the reminder delay: one event per
/// conversation and person, whatever the number of replicas (the mail service turns it into an
/// email for people who kept the `event-reminders` topic).
public struct UnreadReminderDue: EventContract {
    public static let type: MessageType = "messaging.unread-reminder-due.v1"

    public var accountID: UUID
    public var companyID: UUID
    public var conversationID: UUID
    /// The other company, whose messages wait.
    public var fromCompanyName: String
    public var unread: Int
    public var oldestUnreadAt: Date

    public init(accountID: UUID, companyID: UUID, conversationID: UUID, fromCompanyName: String, unread: Int, oldestUnreadAt: Date) {
        self.accountID = accountID
        self.companyID = companyID
        self.conversationID = conversationID
        self.fromCompanyName = fromCompanyName
        self.unread = unread
        self.oldestUnreadAt = oldestUnreadAt
    }
}

/// Two companies began a conversation (the first inquiry on a subject): who took part in it, for
/// services that need to know, such as complaints about it.
public struct ConversationOpened: EventContract {
    public static let type: MessageType = "messaging.conversation-opened.v1"

    public var conversationID: UUID
    public var startedBy: UUID
    public var recipient: UUID
    public var subject: ConversationSubject?
    public var openedAt: Date

    public init(conversationID: UUID, startedBy: UUID, recipient: UUID, subject: ConversationSubject?, openedAt: Date) {
        self.conversationID = conversationID
        self.startedBy = startedBy
        self.recipient = recipient
        self.subject = subject
        self.openedAt = openedAt
    }
}
