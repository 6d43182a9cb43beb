extension ServiceManifest {
    /// Nothing beyond `ping` yet, and no personal data: its requests, events and data-rights part
    /// arrive with its issue.
    public static let messaging = ServiceManifest(.messaging, holdsPersonalData: false)
}
