import Foundation
import Logging
import MessageBus
import Persistence
import Prometheus
import ServiceLifecycle
import ServiceRuntime

/// The matchmaking service: the category tree, exhibitor showcases, products, search, follows and RFQs with quotes,
/// on its own `matchmaking` schema; companies are known from accounts' events only.
public func buildMatchmaking(configuration: ServiceConfiguration, logger: Logger, metrics: PrometheusCollectorRegistry?) throws -> ServiceGroup {
    let categories = try Categories.shipped()
    return try Backend.build(configuration: configuration, logger: logger, metrics: metrics) { backend in
        matchmakingDefinition(database: backend.database, categories: categories, logger: backend.logger)
    }
}

/// The matchmaking service's schema, handlers, event handlers, data-rights part and RFQ expiry
/// timer, for `Backend.build` and the tests (which bring their own clock).
func matchmakingDefinition(
    database: Database, categories: Categories, logger: Logger, now: @escaping @Sendable () -> Date = { Date() }
) -> BackendDefinition {
    var requests = RPCHandlers()
    MatchmakingHandlers(database: database, categories: categories, now: now).register(into: &requests)
    var events = TransactionalEventHandlers()
    CompanyDirectory.register(into: &events)
    ConsentDirectory.register(into: &events)
    ComplaintHolds.register(into: &events)
    let expiry = PeriodicWork(name: "rfq expiry", interval: RFQExpiry.interval) {
        try await RFQExpiry.expireDue(now: now(), database: database, logger: logger)
    }
    return BackendDefinition(
        personalData: .held(MatchmakingPersonalData()), migrations: MatchmakingMigrations.all, requests: requests, events: events,
        retention: OnlineRecords.retention, periodic: [expiry])
}
