import Logging
import MessageBus
import Persistence
import Prometheus
import ServiceLifecycle
import ServiceRuntime

/// The matchmaking service: the category tree, exhibitor showcases, products, search and follows,
/// on its own `matchmaking` schema; companies are known from accounts' events only.
public func buildMatchmaking(configuration: ServiceConfiguration, logger: Logger, metrics: PrometheusCollectorRegistry?) throws -> ServiceGroup {
    let categories = try Categories.shipped()
    return try Backend.build(configuration: configuration, logger: logger, metrics: metrics) { backend in
        matchmakingDefinition(database: backend.database, categories: categories)
    }
}

/// The matchmaking service's schema, handlers, event handlers and data-rights part, for
/// `Backend.build` and the tests.
func matchmakingDefinition(database: Database, categories: Categories) -> BackendDefinition {
    var requests = RPCHandlers()
    MatchmakingHandlers(database: database, categories: categories).register(into: &requests)
    var events = TransactionalEventHandlers()
    CompanyDirectory.register(into: &events)
    return BackendDefinition(
        personalData: .held(MatchmakingPersonalData()), migrations: MatchmakingMigrations.all, requests: requests, events: events)
}
