extension ServiceManifest {
    /// Companies and users, sign-in and sessions, verification and roles; whether a person must
    /// choose their cookies again, from data-rights' events.
    public static let accounts = ServiceManifest(
        .accounts, holdsPersonalData: true,
        requests: [
            RegisterAccount.self, CreateSession.self, AuthenticateSession.self, EndSession.self, ListSessions.self,
            ListLogins.self, GetMe.self, UpdateMe.self, ChangePassword.self, GetCompany.self, ListAccounts.self,
            DecideVerification.self, SetStaffRoles.self, IssueLiveTicket.self, RedeemLiveTicket.self, VerifyEmail.self,
            RequestEmailVerification.self, RequestPasswordReset.self, ResetPassword.self, ListCompanyMembers.self, InviteColleague.self, AcceptInvitation.self,
            RemoveCompanyMember.self, SetCompanyRole.self, VerifyPassword.self, FindAccount.self, FindUnknownAccounts.self,
        ],
        publishes: [
            AccountRegistered.self, AccountProfileChanged.self, VerificationDecided.self, SessionRevoked.self,
            PasswordChanged.self, AccountRolesChanged.self, AccountErased.self, EmailVerificationRequested.self,
            PasswordResetRequested.self, ColleagueInvited.self, CompanyMemberJoined.self, CompanyMemberRemoved.self,
            VerificationExpiring.self, VerificationExpired.self,
        ],
        subscribes: [ConsentChanged.self, PrivacyPolicyPublished.self])
}
