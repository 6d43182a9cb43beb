import Foundation
import ServiceRuntime

/// The messaging service's own settings (`EXPO_*` variables; the README lists them).
public struct MessagingSettings: Sendable {
    /// Messages unread this long produce one reminder per conversation and person (`EXPO_UNREAD_REMINDER_SECONDS`).
    public var reminderDelay: TimeInterval
    /// Conversations with no message for this many days are deleted unless held (`EXPO_CONVERSATION_RETENTION_DAYS`).
    public var conversationRetentionDays: Int

    public init(reminderDelay: TimeInterval = 6 * 3600, conversationRetentionDays: Int = 3 * 365) {
        self.reminderDelay = reminderDelay
        self.conversationRetentionDays = conversationRetentionDays
    }

    public init(environment env: Environment) throws {
        self.init(
            reminderDelay: TimeInterval(try env.integer("EXPO_UNREAD_REMINDER_SECONDS", default: 6 * 3600, in: 60...(30 * 86400))),
            conversationRetentionDays: try env.integer("EXPO_CONVERSATION_RETENTION_DAYS", default: 3 * 365, in: 1...36500))
    }
}
