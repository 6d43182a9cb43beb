import Foundation
import Logging
import MessageBus
import Persistence
import Prometheus
import ServiceLifecycle
import ServiceRuntime

/// The messaging service: inquiries and conversations between companies, blocks and reports,
/// notifications and each person's live feed, on its own `messaging` schema; companies, RFQs and
/// quotes are known from accounts' and matchmaking's events.
public func buildMessaging(configuration: ServiceConfiguration, logger: Logger, metrics: PrometheusCollectorRegistry?) throws -> ServiceGroup {
    let settings = try MessagingSettings(environment: configuration.environment)
    return try Backend.build(configuration: configuration, logger: logger, metrics: metrics) { backend in
        messagingDefinition(
            database: backend.database, settings: settings, subjects: MatchmakingProducts(bus: backend.bus), logger: backend.logger)
    }
}

/// The messaging service's schema, handlers, event handlers, data-rights part, retention and
/// reminder timer, for `Backend.build` and the tests (which bring their own clock and products).
func messagingDefinition(
    database: Database, settings: MessagingSettings, subjects: any SubjectLookup, logger: Logger,
    now: @escaping @Sendable () -> Date = { Date() }
) -> BackendDefinition {
    var requests = RPCHandlers()
    MessagingHandlers(database: database, subjects: subjects, now: now).register(into: &requests)
    var events = TransactionalEventHandlers()
    Directory.register(into: &events)
    ComplaintNotices.register(into: &events)
    SecurityNotices.register(into: &events)
    let reminders = PeriodicWork(name: "unread reminders", interval: UnreadReminders.interval) {
        try await UnreadReminders.remindDue(now: now(), delay: settings.reminderDelay, database: database, logger: logger)
    }
    return BackendDefinition(
        personalData: .held(MessagingPersonalData(settings: settings)), migrations: MessagingMigrations.all, requests: requests,
        events: events, retention: MessagingRetention.rules(settings), periodic: [reminders])
}

/// How long the messaging schema keeps what it records.
enum MessagingRetention {
    static func rules(_ settings: MessagingSettings) -> [RetentionRule] {
        [
            // Messages, read state, reports and staff reads go with their conversation.
            RetentionRule(name: "conversations", sql: """
                DELETE FROM conversations WHERE last_message_at < now() - interval '\(settings.conversationRetentionDays) days'
                """),
            // A socket resumes within minutes; a week covers a laptop closed over a holiday weekend.
            RetentionRule(name: "live feed", sql: "DELETE FROM feed WHERE created_at < now() - interval '7 days'"),
        ]
    }
}
