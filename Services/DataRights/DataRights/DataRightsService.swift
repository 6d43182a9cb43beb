import Foundation
import Logging
import MessageBus
import Persistence
import Prometheus
import ServiceLifecycle
import ServiceRuntime

/// The data-rights service: data-subject requests fanned out to every backend that holds personal
/// data, on the statutory clock, with an append-only audit trail and export bundles, on its own
/// `data_rights` schema.
public func buildDataRights(configuration: ServiceConfiguration, logger: Logger, metrics: PrometheusCollectorRegistry?) throws -> ServiceGroup {
    let interval = Duration.seconds(try configuration.environment.integer("EXPO_DATA_RIGHTS_TASK_SECONDS", default: 1, in: 1...300))
    return try Backend.build(configuration: configuration, logger: logger, metrics: metrics) { backend in
        dataRightsDefinition(
            database: backend.database, services: SubjectServices(bus: backend.bus, timeout: configuration.rpcTimeout), taskInterval: interval,
            logger: backend.logger)
    }
}

/// The data-rights service's schema, handlers, its own data-rights part, the task runner and
/// retention, for `Backend.build`.
func dataRightsDefinition(database: Database, services: SubjectServices, taskInterval: Duration, logger: Logger) -> BackendDefinition {
    let now: @Sendable () -> Date = { Date() }
    var requests = RPCHandlers()
    DataRequestHandlers(database: database, services: services, now: now).register(into: &requests)
    ConsentHandlers(database: database).register(into: &requests)
    DisclosureHandlers(database: database).register(into: &requests)
    StaffHandlers(database: database, now: now).register(into: &requests)
    AssistedRequestHandlers(database: database, services: services, now: now).register(into: &requests)
    IncidentHandlers(database: database, services: services, now: now).register(into: &requests)
    AuditTrailExport(database: database).register(into: &requests)
    RetentionReporting(database: database, services: services).register(into: &requests)
    let runner = TaskRunner(database: database, services: services, logger: logger, now: now)
    let expiry = UnverifiedExpiry(database: database, logger: logger, now: now)
    return BackendDefinition(
        personalData: .held(DataRightsPersonalData()), migrations: DataRightsMigrations.all, requests: requests,
        retention: [
            RetentionRule(name: "exports", sql: "DELETE FROM exports WHERE available_until < now()"),
            // A browser's choices are kept as long as its cookie may live; the proof of each change a while longer.
            RetentionRule(name: "visitor consents", sql: "DELETE FROM consents WHERE subject_kind = 'visitor' AND changed_at < now() - interval '13 months'"),
            RetentionRule(name: "consent history", sql: """
                DELETE FROM consent_history WHERE changed_at < now() - make_interval(years => \(DataRightsPersonalData.retentionYears))
                """),
            RetentionRule(name: "closed data requests", sql: """
                DELETE FROM data_requests WHERE completed_at < now() - make_interval(years => \(DataRightsPersonalData.retentionYears))
                """),
        ],
        periodic: [runner.work(interval: taskInterval), expiry.work(interval: taskInterval)])
}
