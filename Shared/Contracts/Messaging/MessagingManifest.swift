extension ServiceManifest {
    /// Conversations between companies, blocks, reports, notifications and the live feed;
    /// companies, their members, RFQs and quotes are known from accounts' and matchmaking's events.
    public static let messaging = ServiceManifest(
        .messaging, holdsPersonalData: true,
        requests: [
            OpenConversation.self, ListConversations.self, GetConversation.self, ListMessages.self, SendMessage.self,
            EditMessage.self, HideMessage.self, MarkConversationRead.self, GetUnread.self, BlockCompany.self,
            UnblockCompany.self, ListBlocks.self, ReportConversation.self, ListReports.self, ListNotifications.self,
            MarkNotificationRead.self, ReadFeed.self,
        ],
        publishes: [FeedEntryAdded.self, UnreadReminderDue.self, ConversationOpened.self],
        subscribes: [
            AccountRegistered.self, AccountProfileChanged.self, AccountErased.self, CompanyMemberJoined.self, CompanyMemberRemoved.self,
            RFQPosted.self, QuoteSubmitted.self, QuoteDecided.self, RFQExpired.self, ComplaintChanged.self, SecurityNoticeIssued.self,
        ])
}
