extension ServiceManifest {
    /// Data-subject requests fanned out to every backend that holds personal data, on the
    /// statutory clock, with their audit trail and export bundles. Its consent event's contract is
    /// declared already, for the services that honour it.
    public static let dataRights = ServiceManifest(
        .dataRights, holdsPersonalData: true,
        requests: [
            CreateDataRequest.self, ListDataRequests.self, GetDataRequest.self, CancelDataRequest.self, DownloadExport.self,
            LiftRestriction.self,
        ],
        publishes: [ConsentChanged.self])
}
