import Contracts
import Foundation
import MessageBus
import Persistence
import ServiceRuntime

/// The subscription requests: what a person gets by mail, changed from the settings page or by
/// the confirmation link; every change is kept as proof.
struct SubscriptionHandlers: Sendable {
    let database: Database
    let mailer: Mailer
    let rules: ConsentRules

    func register(into handlers: inout RPCHandlers) {
        handlers.register(ListSubscriptions.self, list)
        handlers.register(SetSubscription.self, set)
        handlers.register(ConfirmSubscription.self, confirm)
        handlers.register(DescribeUnsubscribe.self, describeUnsubscribe)
        handlers.register(Unsubscribe.self, unsubscribe)
    }

    @Sendable func describeUnsubscribe(_ request: DescribeUnsubscribe, _ context: RequestContext) async throws -> UnsubscribeLink {
        guard let (accountID, topic) = mailer.unsubscribeLinks.verify(request.token) else { throw Self.unknownLink }
        return try await database.transaction(context) { transaction in
            let current = try await linkedSubscription(accountID, topic, on: transaction)
            return UnsubscribeLink(topic: topic, description: Self.describe(topic), unsubscribed: current.status == .unsubscribed)
        }
    }

    /// One click, no questions: repeating it changes nothing more, and only a change is recorded.
    @Sendable func unsubscribe(_ request: Unsubscribe, _ context: RequestContext) async throws -> UnsubscribeLink {
        guard let (accountID, topic) = mailer.unsubscribeLinks.verify(request.token) else { throw Self.unknownLink }
        return try await database.transaction(context, idempotent: try MessageCodec.encode(request.token)) { transaction in
            let current = try await linkedSubscription(accountID, topic, on: transaction)
            if current.status != .unsubscribed {
                _ = try await SubscriptionRecords.record(accountID, topic, .unsubscribed, source: "one-click-unsubscribe", client: request.client, on: transaction)
            }
            return UnsubscribeLink(topic: topic, description: Self.describe(topic), unsubscribed: true)
        }
    }

    /// The current subscription of the person an unsubscribe link was mailed to; a link of
    /// someone since erased names nobody any more.
    private func linkedSubscription(_ accountID: UUID, _ topic: SubscriptionTopic, on transaction: Transaction) async throws -> Subscription {
        guard try await !PersonalDataRegister.isErased(accountID, on: transaction),
              let person = try await ContactDirectory.person(accountID, on: transaction)
        else { throw Self.unknownLink }
        return try await SubscriptionRecords.current(topic, of: person, rules: rules, on: transaction)
    }

    static let unknownLink = Problem.notFound("this unsubscribe link is not one of ours")

    static func describe(_ topic: SubscriptionTopic) -> String {
        "A POST to this address stops the Online Expo mails of the topic \(topic.rawValue) to the person it was sent to, at once: "
            + "\"\(ConsentRules.wording(topic))\""
    }

    @Sendable func list(_ request: ListSubscriptions, _ context: RequestContext) async throws -> [Subscription] {
        let actor = try context.caller()
        return try await database.transaction(context) { transaction in
            let person = try await ContactDirectory.person(actor.accountID, on: transaction)
            return try await SubscriptionRecords.list(
                for: actor.accountID, country: person?.country, registeredAt: person?.registeredAt ?? Date(), rules: rules, on: transaction)
        }
    }

    /// Subscribing to marketing where consent is required is `pending` until the mailed link is used;
    /// anything else applies at once.
    @Sendable func set(_ request: SetSubscription, _ context: RequestContext) async throws -> Subscription {
        let actor = try context.caller()
        guard let topic = SubscriptionTopic(rawValue: request.topic) else { throw Problem.notFound("no topic \(request.topic)") }
        guard let status = request.status.flatMap(SubscriptionStatus.init(rawValue:)), status != .pending else {
            throw Problem.validationFailed([.init(field: "status", message: "must be subscribed or unsubscribed")])
        }
        return try await database.transaction(context) { transaction in
            guard let person = try await ContactDirectory.person(actor.accountID, on: transaction) else { throw Problem.companyNotReady }
            let current = try await SubscriptionRecords.current(topic, of: person, rules: rules, on: transaction)
            if current.status == status { return current }
            guard status == .subscribed, topic.isMarketing, rules.consentRequired(in: person.country) else {
                return try await SubscriptionRecords.record(actor.accountID, topic, status, source: "settings", client: request.client, on: transaction)
            }
            let pending = try await SubscriptionRecords.record(actor.accountID, topic, .pending, source: "settings", client: request.client, on: transaction)
            try await mailConfirmation(of: topic, to: person.contact, on: transaction)
            return pending
        }
    }

    @Sendable func confirm(_ request: ConfirmSubscription, _ context: RequestContext) async throws -> NoContent {
        let refused = Problem.notFound("this link is unknown, used or expired; subscribe again for a new one")
        return try await database.transaction(context, idempotent: try MessageCodec.encode(request.token)) { transaction in
            let rows = try await transaction.query("""
                DELETE FROM subscription_confirmations WHERE token_hash = \(SecretToken.hash(request.token))
                RETURNING account_id, topic, expires_at > now()
                """)
            for try await (accountID, topic, live) in rows.decode((UUID, String, Bool).self) {
                guard live, let topic = SubscriptionTopic(rawValue: topic),
                      try await !PersonalDataRegister.isErased(accountID, on: transaction)
                else { throw refused }
                _ = try await SubscriptionRecords.record(accountID, topic, .subscribed, source: "confirmation-link", client: request.client, on: transaction)
                return NoContent()
            }
            throw refused
        }
    }

    private func mailConfirmation(of topic: SubscriptionTopic, to contact: Contact, on transaction: Transaction) async throws {
        let token = SecretToken.generate()
        let expiresAt = Date(timeIntervalSinceNow: SubscriptionRecords.confirmationLifetime)
        try await transaction.query("""
            INSERT INTO subscription_confirmations (token_hash, account_id, topic, channel, expires_at)
            VALUES (\(SecretToken.hash(token)), \(contact.accountID), \(topic.rawValue), 'email', \(expiresAt))
            ON CONFLICT (account_id, topic, channel) DO UPDATE SET token_hash = excluded.token_hash, expires_at = excluded.expires_at
            """)
        try await mailer.queue(
            mailer.templates.template(.subscriptionConfirmation, language: contact.language),
            values: [
                "wording": ConsentRules.wording(topic), "link": mailer.link("/confirm-subscription?token=\(token)"),
                "expiresAt": expiresAt.formatted(.iso8601),
            ],
            to: contact, purpose: TransactionalTemplates.Name.subscriptionConfirmation.rawValue, marketing: false, on: transaction)
    }
}
