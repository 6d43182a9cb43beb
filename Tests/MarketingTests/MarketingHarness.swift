import Contracts
import Foundation
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

    static func with<T: Sendable>(smtpURL: String = TestEnvironment.smtpURL, _ body: (MarketingHarness) async throws -> T) async throws -> T {
        let settings = try MailSettings(environment: Environment(values: ["EXPO_SMTP_URL": smtpURL, "EXPO_SMTP_TIMEOUT_SECONDS": "10"]))
        let relay = SMTPRelay(settings: settings)
        let mailer = Mailer(settings: settings, templates: try TransactionalTemplates())
        let rules = try ConsentRules()
        return try await HandlerHarness.with(.marketing, define: { database, logger in
            marketingDefinition(database: database, mailer: mailer, rules: rules, relay: relay, logger: logger)
        }) { kit in
            try await body(MarketingHarness(kit: kit, sender: MailSender(database: kit.database, relay: relay, logger: kit.logger)))
        }
    }

    /// Registers a person at "accounts" by delivering its event; returns the account id.
    func person(email: String, name: String = "Ada Obi", country: String = "NG") async throws -> UUID {
        let accountID = UUID()
        let card = CompanyCard(id: UUID(), name: "Lagos Tractors Ltd", businessType: .purchaser, industry: "Machinery", country: country, verified: true)
        try await kit.deliver(AccountRegistered(
            accountID: accountID, email: email, contactName: name, company: card, roles: [.purchaser], registeredAt: Date()))
        return accountID
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
