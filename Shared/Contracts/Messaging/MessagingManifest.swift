extension ServiceManifest {
    /// Nothing beyond `ping` yet: its requests and events arrive with its issue.
    public static let messaging = ServiceManifest(.messaging)
}
