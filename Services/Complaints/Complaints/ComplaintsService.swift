import Foundation
import Logging
import MessageBus
import Persistence
import Prometheus
import ServiceLifecycle
import ServiceRuntime

/// The complaints service: complaints and disputes between purchasers and suppliers, negotiated
/// first, escalated on durable clocks and decided by staff, on its own `complaints` schema.
public func buildComplaints(configuration: ServiceConfiguration, logger: Logger, metrics: PrometheusCollectorRegistry?) throws -> ServiceGroup {
    let settings = try ComplaintsSettings(environment: configuration.environment)
    return try Backend.build(configuration: configuration, logger: logger, metrics: metrics) { backend in
        complaintsDefinition(database: backend.database, settings: settings, logger: backend.logger)
    }
}

/// The complaints service's schema, handlers, party directory, data-rights part, clocks and
/// retention, for `Backend.build` and the tests (which bring their own clock).
func complaintsDefinition(
    database: Database, settings: ComplaintsSettings, logger: Logger, now: @escaping @Sendable () -> Date = { Date() }
) -> BackendDefinition {
    let handlers = ComplaintsHandlers(database: database, settings: settings, now: now)
    var requests = RPCHandlers()
    handlers.register(into: &requests)
    var events = TransactionalEventHandlers()
    PartyDirectory.register(into: &events)
    return BackendDefinition(
        personalData: .held(ComplaintsPersonalData(settings: settings)), migrations: ComplaintsMigrations.all, requests: requests, events: events,
        retention: [
            RetentionRule(name: "closed complaints", sql: """
                DELETE FROM complaints WHERE closed_at < now() - make_interval(years => \(settings.retentionYears))
                """),
        ],
        periodic: [ComplaintTimers.work(handlers: handlers, logger: logger)])
}
