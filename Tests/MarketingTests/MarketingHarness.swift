import AMQPTransport
import Contracts
import Foundation
import MessageBus
@testable import Marketing
import Persistence
import PostgresNIO
import ServiceRuntime
import TestSupport

/// The marketing service's handlers on a fresh, migrated schema of the real PostgreSQL, its mail
/// sender talking SMTP to the stack's real sink. The test drains the outbox itself (the process
/// does it on a timer), so it knows when the relay has answered.
struct MarketingHarness: Sendable {
    let kit: HandlerHarness
    let sender: MailSender
    let dispatcher: CampaignDispatcher

    static func with<T: Sendable>(
        smtpURL: String = TestEnvironment.smtpURL, environment: [String: String] = [:], _ body: (MarketingHarness) async throws -> T
    ) async throws -> T {
        let settings = try MailSettings(environment: Environment(
            values: ["EXPO_SMTP_URL": smtpURL, "EXPO_SMTP_TIMEOUT_SECONDS": "10"].merging(environment) { $1 }))
        let relay = SMTPRelay(settings: settings)
        let mailer = Mailer(settings: settings, templates: try TransactionalTemplates())
        let rules = try ConsentRules()
        return try await HandlerHarness.with(.marketing, define: { database, logger in
            marketingDefinition(database: database, mailer: mailer, rules: rules, relay: relay, logger: logger)
        }) { kit in
            try await body(MarketingHarness(
                kit: kit, sender: MailSender(database: kit.database, relay: relay, logger: kit.logger),
                dispatcher: CampaignDispatcher(database: kit.database, mailer: mailer, rules: rules, logger: kit.logger)))
        }
    }

    /// Registers a person at "accounts" by delivering its event; returns the account id.
    func person(
        email: String, name: String = "Ada Obi", country: String = "NG", businessType: BusinessType = .purchaser, verified: Bool = true,
        language: Language = .en
    ) async throws -> UUID {
        let accountID = UUID()
        let card = CompanyCard(id: UUID(), name: "Lagos Tractors Ltd", businessType: businessType, industry: "Machinery", country: country, verified: verified)
        try await kit.deliver(AccountRegistered(
            accountID: accountID, email: email, contactName: name, company: card, roles: [.purchaser], registeredAt: Date(), language: language))
        return accountID
    }

    /// Delivers `trigger` as `marketing.commands`' consumer would; answers what it did with it.
    func trigger(_ trigger: TriggerCampaign) async throws -> QueueConsumer.Disposition {
        await kit.command(TriggerCampaign.type, body: try MessageCodec.encode(trigger))
    }

    /// Runs the campaign dispatcher and the mail sender until everything due is queued, sent and
    /// the finished campaigns are closed, as the process's timers would.
    func runCampaigns() async throws {
        try await dispatcher.run()
        try await sender.drain()
        try await dispatcher.run()
    }

    /// A request from the signed-in person `accountID`.
    func send<Request: RequestContract>(_ request: Request, as accountID: UUID?) async throws -> Request.Reply {
        try await kit.send(request, actor: accountID.map { Actor(accountID: $0, companyID: UUID(), roles: ["purchaser"], sessionID: UUID()) })
    }

    /// Messaging's reminder for `accountID`, as its event arrives.
    func remind(_ accountID: UUID, from company: String = "Ningbo Hydraulics Co.", unread: Int = 2, messageID: String = UUID().uuidString) async throws {
        try await kit.deliver(UnreadReminderDue(
            accountID: accountID, companyID: UUID(), conversationID: UUID(), fromCompanyName: company, unread: unread,
            oldestUnreadAt: Date(timeIntervalSinceNow: -7200)), messageID: messageID)
    }

    /// The outbox's record of the mails to `recipient`: state, relay code and reply, attempts.
    func records(to recipient: String) async throws -> [(state: String, code: Int?, reply: String?, attempts: Int, hasBody: Bool)] {
        try await kit.database.withConnection { connection in
            var records: [(state: String, code: Int?, reply: String?, attempts: Int, hasBody: Bool)] = []
            for try await row in try await connection.query("""
                SELECT state, relay_code, relay_reply, attempts, message IS NOT NULL FROM mail_outbox WHERE recipient = \(recipient) ORDER BY queued_at
                """, logger: kit.logger).decode((String, Int?, String?, Int, Bool).self) {
                records.append((row.0, row.1, row.2, row.3, row.4))
            }
            return records
        }
    }
}
