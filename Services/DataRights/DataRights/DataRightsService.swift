import Logging
import Prometheus
import ServiceLifecycle
import ServiceRuntime

/// The dataRights service: data-subject requests, consents, export bundles, breach notices, retention.
/// So far the platform skeleton only: it owns and migrates its schema, serves its request queue
/// (ping) and reports health; its features arrive with their issues.
public func buildDataRights(configuration: ServiceConfiguration, logger: Logger, metrics: PrometheusCollectorRegistry?) throws -> ServiceGroup {
    try Backend.build(configuration: configuration, logger: logger, metrics: metrics) { _ in BackendDefinition(personalData: .holdsNone) }
}
