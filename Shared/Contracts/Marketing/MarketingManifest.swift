extension ServiceManifest {
    /// Keeps the contact directory its campaigns address from accounts' registrations and profile changes.
    public static let marketing = ServiceManifest(
        .marketing, holdsPersonalData: true, subscribes: [AccountRegistered.self, AccountProfileChanged.self])
}
