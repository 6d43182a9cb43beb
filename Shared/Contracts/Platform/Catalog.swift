/// Every request type each service answers, so the one topology can bind them to its queue.
/// A service's contracts folder extends this list when it adds a request.
public enum Catalog {
    public static func requests(of service: ServiceName) -> [MessageType] {
        [.ping(service)] + (domainRequests[service] ?? [])
    }

    /// Requests beyond `ping`, per service (filled in as each service gains features).
    static let domainRequests: [ServiceName: [MessageType]] = [
        .accounts: AccountsRequests.all,
    ]
}
