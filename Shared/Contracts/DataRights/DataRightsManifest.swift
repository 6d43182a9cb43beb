extension ServiceManifest {
    /// Data-subject requests fanned out to every backend that holds personal data, on the
    /// statutory clock, with their audit trail and export bundles; cookie choices under the
    /// privacy policy's versions, announced for the services that honour them; what the subject
    /// must be told (codes, extensions, denials, security incidents) is announced for marketing to mail
    /// and messaging to show live; the retention report, from every service's sweeper.
    public static let dataRights = ServiceManifest(
        .dataRights, holdsPersonalData: true,
        requests: [
            CreateDataRequest.self, ListDataRequests.self, GetDataRequest.self, CancelDataRequest.self, DownloadExport.self,
            LiftRestriction.self, ListStandingRestrictions.self, GetPrivacyPolicy.self, PublishPrivacyPolicy.self, SetConsent.self, GetMyConsent.self, RecordDisclosure.self,
            ListMyDisclosures.self, ListDataRequestQueue.self, ExtendDataRequest.self, EnterDataRequest.self, VerifyDataRequest.self,
            DenyDataRequest.self, ResolveDataRequest.self, ExportAuditTrail.self, GetRetentionReport.self, RecordIncident.self, ListIncidents.self, NotifyIncident.self, DecideRegulatorNotification.self, ListMyNotices.self,
        ],
        publishes: [
            ConsentChanged.self, PrivacyPolicyPublished.self, DataRequestVerificationRequested.self, DataRequestExtended.self, DataRequestDenied.self, DataRequestResolved.self,
            SecurityNoticeIssued.self,
        ])
}
