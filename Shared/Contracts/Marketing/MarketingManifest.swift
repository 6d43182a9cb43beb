extension ServiceManifest {
    /// Every mail of the platform: it keeps the contact directory from accounts' registrations and
    /// profile changes, and mails account links and unread-message reminders on their events.
    public static let marketing = ServiceManifest(
        .marketing, holdsPersonalData: true,
        requests: [ListSubscriptions.self, SetSubscription.self, ConfirmSubscription.self, DescribeUnsubscribe.self, Unsubscribe.self],
        subscribes: [
            AccountRegistered.self, AccountProfileChanged.self, EmailVerificationRequested.self, PasswordResetRequested.self,
            UnreadReminderDue.self,
        ])
}
