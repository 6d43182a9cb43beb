import Contracts

/// Every event subscription of the platform, in one place: which service's `<service>.events`
/// queue receives which event types. Handlers for them are registered in the service's
/// `buildService`; a subscription here without a handler parks the events in the DLQ.
public enum Subscriptions {
    public static let all: [ServiceName: [MessageType]] = [
        // Marketing keeps the contact directory its campaigns address.
        .marketing: [AccountRegistered.type, AccountProfileChanged.type],
    ]
}
