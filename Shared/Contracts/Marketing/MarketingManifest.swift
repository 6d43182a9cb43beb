extension ServiceManifest {
    /// Every mail of the platform: it keeps the contact directory from accounts' registrations,
    /// profile changes and verification decisions and the audience signals from matchmaking's
    /// follows and activity, mails account links and unread-message reminders on their events,
    /// and runs the campaigns the marketing team triggers through the queue.
    public static let marketing = ServiceManifest(
        .marketing, holdsPersonalData: true,
        requests: [
            ListSubscriptions.self, SetSubscription.self, ConfirmSubscription.self, DescribeUnsubscribe.self, Unsubscribe.self,
            CreateCampaign.self, ListCampaigns.self, GetCampaign.self, PreviewCampaignAudience.self, ChangeCampaign.self,
        ],
        commands: [TriggerCampaign.self, RecordBounce.self],
        publishes: [CampaignProgressed.self, CampaignFinished.self],
        subscribes: [
            AccountRegistered.self, AccountProfileChanged.self, VerificationDecided.self, VerificationExpiring.self,
            VerificationExpired.self, CompanyMemberJoined.self, CompanyMemberRemoved.self, EmailVerificationRequested.self,
            PasswordResetRequested.self, ColleagueInvited.self, ComplaintChanged.self, DataRequestVerificationRequested.self,
            DataRequestExtended.self, DataRequestDenied.self, DataRequestResolved.self,
            SecurityNoticeIssued.self, UnreadReminderDue.self, TargetFollowed.self, TargetUnfollowed.self, ActivityRecorded.self,
        ])
}
