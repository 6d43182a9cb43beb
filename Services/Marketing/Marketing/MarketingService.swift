import Logging
import Persistence
import Prometheus
import ServiceLifecycle
import ServiceRuntime

/// The marketing service: subscriptions, marketing consent, campaigns and templated email.
/// So far it keeps the contact directory from the accounts service's events; consent, campaigns
/// and email arrive with the marketing issue.
public func buildMarketing(configuration: ServiceConfiguration, logger: Logger, metrics: PrometheusCollectorRegistry?) throws -> ServiceGroup {
    try Backend.build(configuration: configuration, logger: logger, metrics: metrics) { _ in
        var events = TransactionalEventHandlers()
        ContactDirectory.register(into: &events)
        return BackendDefinition(personalData: .held(MarketingPersonalData()), migrations: ContactDirectory.migrations, events: events)
    }
}
