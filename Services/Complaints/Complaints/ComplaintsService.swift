import Logging
import Prometheus
import ServiceLifecycle
import ServiceRuntime

/// The complaints service: complaints and disputes between buyers and sellers.
/// So far the platform skeleton only: it owns and migrates its schema, serves its request queue
/// (ping) and reports health; its features arrive with their issues.
public func buildComplaints(configuration: ServiceConfiguration, logger: Logger, metrics: PrometheusCollectorRegistry?) throws -> ServiceGroup {
    try Backend.build(configuration: configuration, logger: logger, metrics: metrics) { _ in BackendDefinition(personalData: .holdsNone) }
}
