import Foundation
import Logging
import MessageBus
import Persistence
import Prometheus
import ServiceLifecycle
import ServiceRuntime

/// The marketing service: every mail the platform sends (one outbox, one relay), subscriptions,
/// marketing consent and campaigns. It knows people from the accounts service's events (the
/// contact directory) and mails them on other services' events.
public func buildMarketing(configuration: ServiceConfiguration, logger: Logger, metrics: PrometheusCollectorRegistry?) throws -> ServiceGroup {
    let settings = try MailSettings(environment: configuration.environment)
    let templates = try TransactionalTemplates()
    let rules = try ConsentRules()
    if settings.usesDevelopmentSigningKey {
        logger.warning("EXPO_MAIL_SIGNING_KEY is not set: unsubscribe links are signed with the local development key")
    }
    if let dkim = settings.dkim {
        // The public half, for the operator to publish (or check against) the domain's DNS.
        logger.info("mail is DKIM-signed", metadata: ["dnsName": "\(dkim.selector)._domainkey.\(dkim.domain)", "dnsRecord": "\(dkim.dnsRecord)"])
    }
    return try Backend.build(configuration: configuration, logger: logger, metrics: metrics) { backend in
        marketingDefinition(
            database: backend.database, mailer: Mailer(settings: settings, templates: templates), rules: rules,
            relay: SMTPRelay(settings: settings), logger: backend.logger)
    }
}

/// The marketing service's schema, event handlers, data-rights part and mail sender, for
/// `Backend.build` and the tests.
func marketingDefinition(database: Database, mailer: Mailer, rules: ConsentRules, relay: SMTPRelay, logger: Logger) -> BackendDefinition {
    var requests = RPCHandlers()
    SubscriptionHandlers(database: database, mailer: mailer, rules: rules).register(into: &requests)
    CampaignHandlers(database: database, rules: rules).register(into: &requests)
    var events = TransactionalEventHandlers()
    ContactDirectory.register(into: &events)
    AudienceSignals.register(into: &events)
    UnreadMessagesNotice.register(into: &events, mailer: mailer)
    AccountLinkNotices.register(into: &events, mailer: mailer)
    VerificationNotices.register(into: &events, mailer: mailer)
    ComplaintMails.register(into: &events, mailer: mailer)
    DataRightsMails.register(into: &events, mailer: mailer)
    var commands = EventHandlers()
    CampaignTrigger.register(into: &commands, database: database)
    BounceReports.register(into: &commands, database: database)
    let sender = MailSender(database: database, relay: relay, logger: logger)
    let dispatcher = CampaignDispatcher(database: database, mailer: mailer, rules: rules, logger: logger)
    // Polled, so a mail or campaign batch queued by any replica leaves within half a second from whichever is free.
    let periodic = [
        PeriodicWork(name: "mail sender", interval: .milliseconds(500)) { try await sender.drain() },
        PeriodicWork(name: "campaign dispatcher", interval: .milliseconds(500)) { try await dispatcher.run() },
    ]
    let migrations = ContactDirectory.migrations + MailOutbox.migrations + SubscriptionRecords.migrations + CampaignRecords.migrations
        + AudienceSignals.migrations
    return BackendDefinition(
        personalData: .held(MarketingPersonalData()), migrations: migrations.sorted { $0.version < $1.version }, requests: requests,
        events: events, commands: commands, retention: MailOutbox.retention, periodic: periodic)
}
