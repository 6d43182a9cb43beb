import Contracts
import Foundation
import Persistence
import PostgresNIO

/// Each person's subscriptions as they stand, and every change as proof of consent (or of its
/// withdrawal): when, how (`source`), from which IP, the wording shown and the policy version.
/// A topic the person never set has its default: service reminders on, marketing on only where no
/// consent is needed.
enum SubscriptionRecords {
    static let migrations: [Migration] = [
        Migration(source: "marketing", version: 3, name: "subscriptions and consent", sql: """
            CREATE TABLE subscriptions (
                account_id uuid        NOT NULL,
                topic      text        NOT NULL,
                channel    text        NOT NULL DEFAULT 'email',
                status     text        NOT NULL CHECK (status IN ('subscribed', 'pending', 'unsubscribed')),
                changed_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (account_id, topic, channel)
            );
            -- Append-only: the proof. `source` is how it changed (settings, confirmation-link, one-click-unsubscribe).
            CREATE TABLE consent_records (
                id             bigserial   PRIMARY KEY,
                account_id     uuid        NOT NULL,
                topic          text        NOT NULL,
                channel        text        NOT NULL,
                status         text        NOT NULL,
                source         text        NOT NULL,
                ip             text,
                user_agent     text,
                wording        text        NOT NULL,
                policy_version text        NOT NULL,
                recorded_at    timestamptz NOT NULL DEFAULT now()
            );
            CREATE INDEX consent_records_account ON consent_records (account_id, id);
            -- Double opt-in links, kept hashed; a newer one for the same topic replaces the older.
            CREATE TABLE subscription_confirmations (
                token_hash bytea       PRIMARY KEY,
                account_id uuid        NOT NULL,
                topic      text        NOT NULL,
                channel    text        NOT NULL,
                expires_at timestamptz NOT NULL,
                UNIQUE (account_id, topic, channel)
            );
            """),
    ]

    /// Confirmation links work for three days: long enough for a weekend, short enough to be fresh consent.
    static let confirmationLifetime: TimeInterval = 3 * 86400

    /// Every topic for `contact`'s account as it stands now (defaults included).
    static func list(for accountID: UUID, country: String?, registeredAt: Date, rules: ConsentRules, on transaction: Transaction) async throws -> [Subscription] {
        var stored: [SubscriptionTopic: Subscription] = [:]
        for try await (topic, channel, status, changedAt) in try await transaction.query("""
            SELECT topic, channel, status, changed_at FROM subscriptions WHERE account_id = \(accountID) AND channel = 'email'
            """).decode((String, String, String, Date).self) {
            guard let topic = SubscriptionTopic(rawValue: topic), let status = SubscriptionStatus(rawValue: status) else { continue }
            stored[topic] = Subscription(topic: topic, channel: channel, status: status, changedAt: changedAt)
        }
        return SubscriptionTopic.allCases.map { topic in
            stored[topic] ?? Subscription(topic: topic, status: defaultStatus(topic, country: country, rules: rules), changedAt: registeredAt)
        }
    }

    /// One topic of a person the directory knows.
    static func current(_ topic: SubscriptionTopic, of person: ContactDirectory.Person, rules: ConsentRules, on transaction: Transaction) async throws -> Subscription {
        let all = try await list(for: person.accountID, country: person.country, registeredAt: person.registeredAt, rules: rules, on: transaction)
        return all.first { $0.topic == topic }!  // the list has every topic
    }

    static func defaultStatus(_ topic: SubscriptionTopic, country: String?, rules: ConsentRules) -> SubscriptionStatus {
        !topic.isMarketing || !rules.consentRequired(in: country) ? .subscribed : .unsubscribed
    }

    /// Sets the status and keeps the proof of the change.
    static func record(
        _ accountID: UUID, _ topic: SubscriptionTopic, _ status: SubscriptionStatus, source: String, client: ClientInfo?,
        on transaction: Transaction
    ) async throws -> Subscription {
        let rows = try await transaction.query("""
            INSERT INTO subscriptions (account_id, topic, channel, status) VALUES (\(accountID), \(topic.rawValue), 'email', \(status.rawValue))
            ON CONFLICT (account_id, topic, channel) DO UPDATE SET status = excluded.status, changed_at = now()
            RETURNING changed_at
            """)
        var changedAt = Date()
        for try await at in rows.decode(Date.self) { changedAt = at }
        try await transaction.query("""
            INSERT INTO consent_records (account_id, topic, channel, status, source, ip, user_agent, wording, policy_version)
            VALUES (\(accountID), \(topic.rawValue), 'email', \(status.rawValue), \(source), \(client?.ip), \(client?.userAgent),
                    \(ConsentRules.wording(topic)), \(ConsentRules.policyVersion))
            """)
        if status != .pending {
            try await transaction.query("DELETE FROM subscription_confirmations WHERE account_id = \(accountID) AND topic = \(topic.rawValue)")
        }
        return Subscription(topic: topic, status: status, changedAt: changedAt)
    }
}
