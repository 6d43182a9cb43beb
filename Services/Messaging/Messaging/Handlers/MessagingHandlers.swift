import Contracts
import Foundation
import MessageBus
import Persistence

/// What every messaging request handler works with; the handlers are split by topic
/// (conversations, messages, safety, notifications, the feed) in extensions of this type.
struct MessagingHandlers: Sendable {
    let database: Database
    let subjects: any SubjectLookup
    /// The service's clock (a test's own in tests): message times, the edit window.
    let now: @Sendable () -> Date

    static let editWindow: TimeInterval = 15 * 60

    /// Registers every request of the messaging service.
    func register(into handlers: inout RPCHandlers) {
        handlers.register(OpenConversation.self, openConversation)
        handlers.register(ListConversations.self, listConversations)
        handlers.register(GetConversation.self, getConversation)
        handlers.register(ListMessages.self, listMessages)
        handlers.register(SendMessage.self, sendMessage)
        handlers.register(EditMessage.self, editMessage)
        handlers.register(HideMessage.self, hideMessage)
        handlers.register(MarkConversationRead.self, markConversationRead)
        handlers.register(GetUnread.self, getUnread)
        handlers.register(BlockCompany.self, blockCompany)
        handlers.register(UnblockCompany.self, unblockCompany)
        handlers.register(ListBlocks.self, listBlocks)
        handlers.register(ReportConversation.self, reportConversation)
        handlers.register(ListReports.self, listReports)
        handlers.register(ListNotifications.self, listNotifications)
        handlers.register(MarkNotificationRead.self, markNotificationRead)
        handlers.register(ReadFeed.self, readFeed)
    }
}

extension Problem.Code {
    static let inquiryOnly = Problem.Code("inquiry-only")
    static let blocked = Problem.Code("blocked")
    static let conversationReadOnly = Problem.Code("conversation-read-only")
    static let editWindowClosed = Problem.Code("edit-window-closed")
}

extension Problem {
    static let inquiryOnly = Problem(
        status: 403, code: .inquiryOnly, title: "Suppliers answer inquiries",
        detail: "a supplier can only write to a company that contacted it, or about an RFQ it was sent")
    static let blocked = Problem(
        status: 403, code: .blocked, title: "Messages between these companies are blocked",
        detail: "one of the two companies blocked the other")
    static let conversationReadOnly = Problem(
        status: 409, code: .conversationReadOnly, title: "The conversation is read-only",
        detail: "the processing of a participant's data is restricted; messages can be read but not sent or changed")
    static let editWindowClosed = Problem(
        status: 409, code: .editWindowClosed, title: "The message can no longer be edited",
        detail: "messages can be edited for 15 minutes after they were sent")
    static let noConversation = Problem.notFound("no conversation of yours has this id")
}
