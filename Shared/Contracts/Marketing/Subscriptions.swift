import Foundation

// Subscriptions to the platform's mail topics, per person, topic and channel (API.md, "Marketing
// and mail"). Where marketing needs consent, subscribing waits for the link in a confirmation mail.

public enum SubscriptionTopic: String, Codable, Sendable, CaseIterable {
    case newsletter
    case matchmaking
    case eventReminders = "event-reminders"
    case recommendations

    /// Reminders about the person's own conversations and events are service mail: no consent needed,
    /// kept unless turned off. The others are marketing.
    public var isMarketing: Bool { self != .eventReminders }
}

public enum SubscriptionStatus: String, Codable, Sendable {
    case subscribed
    /// Asked for, waiting for the confirmation link (where consent is required).
    case pending
    case unsubscribed
}

public struct Subscription: Codable, Sendable, Equatable {
    public var topic: SubscriptionTopic
    public var channel: String
    public var status: SubscriptionStatus
    /// When the person (or the default at registration) last set it.
    public var changedAt: Date

    public init(topic: SubscriptionTopic, channel: String = "email", status: SubscriptionStatus, changedAt: Date) {
        self.topic = topic
        self.channel = channel
        self.status = status
        self.changedAt = changedAt
    }
}

/// `GET /v1/me/subscriptions`: every topic, as it stands for the caller.
public struct ListSubscriptions: RequestContract {
    public typealias Reply = [Subscription]
    public static let type: MessageType = "marketing.list-subscriptions.v1"
    public static let access = Access.signedIn

    public init() {}
}

/// `PUT /v1/me/subscriptions/{topic}`: the gateway adds where the request came from, kept as proof.
public struct SetSubscription: RequestContract {
    public typealias Reply = Subscription
    public static let type: MessageType = "marketing.set-subscription.v1"
    public static let access = Access.signedIn

    public var topic: String
    public var status: String?
    public var client: ClientInfo?

    public init(topic: String, status: String?, client: ClientInfo?) {
        self.topic = topic
        self.status = status
        self.client = client
    }
}

/// What a one-click unsubscribe link does: it names the topic, never the person's address.
public struct UnsubscribeLink: Codable, Sendable, Equatable {
    public var topic: SubscriptionTopic
    public var description: String
    /// Whether the person is unsubscribed from the topic: after the GET, already; after the POST,
    /// always (also when the person already was).
    public var unsubscribed: Bool

    public init(topic: SubscriptionTopic, description: String, unsubscribed: Bool) {
        self.topic = topic
        self.description = description
        self.unsubscribed = unsubscribed
    }
}

/// `GET /v1/unsubscribe/{token}`: describes what the POST would do; changes nothing.
public struct DescribeUnsubscribe: RequestContract {
    public typealias Reply = UnsubscribeLink
    public static let type: MessageType = "marketing.describe-unsubscribe.v1"
    public static let access = Access.anyone

    public var token: String

    public init(token: String) { self.token = token }
}

/// `POST /v1/unsubscribe/{token}` (RFC 8058 one-click): no sign-in, no confirmation step.
public struct Unsubscribe: RequestContract {
    public typealias Reply = UnsubscribeLink
    public static let type: MessageType = "marketing.unsubscribe.v1"
    public static let access = Access.anyone

    public var token: String
    public var client: ClientInfo?

    public init(token: String, client: ClientInfo?) {
        self.token = token
        self.client = client
    }
}

/// `POST /v1/subscriptions/confirmations/{token}`: the double opt-in link.
public struct ConfirmSubscription: RequestContract {
    public typealias Reply = NoContent
    public static let type: MessageType = "marketing.confirm-subscription.v1"
    public static let access = Access.anyone

    public var token: String
    public var client: ClientInfo?

    public init(token: String, client: ClientInfo?) {
        self.token = token
        self.client = client
    }
}
