extension ServiceManifest {
    /// No requests and no personal data yet (they arrive with its issue); its consent event's
    /// contract is declared already, for the services that honour it.
    public static let dataRights = ServiceManifest(.dataRights, holdsPersonalData: false, publishes: [ConsentChanged.self])
}
