import AMQPTransport
import Contracts
import Foundation
import Logging
import MessageBus
import Persistence
import Prometheus
import ServiceLifecycle
import Synchronization

/// What a backend service is made of, handed to its definition so handlers can use them.
public struct Backend: Sendable {
    public let configuration: ServiceConfiguration
    public let logger: Logger
    public let database: Database
    public let bus: MessageBus
}

/// A service's own parts: its schema changes, its handlers, its data-rights part (or the explicit
/// statement that it holds no personal data), what runs once the schema is ready, and how long its
/// own tables keep rows.
public struct BackendDefinition: Sendable {
    public var personalData: PersonalData
    public var migrations: [Migration]
    public var requests: RPCHandlers
    public var events: TransactionalEventHandlers
    /// Handlers of the commands on `<service>.commands`: each runs its own transactions, so it can
    /// record a refusal (e.g. a failed-campaign event) before the command is dead-lettered.
    public var commands: EventHandlers
    /// Runs after the migrations and before any message is taken (e.g. a bootstrap from the
    /// environment); a `ConfigurationError` stops the process.
    public var afterMigration: [@Sendable () async throws -> Void]
    /// The service's retention rules, run by the sweeper with the platform's own.
    public var retention: [RetentionRule]
    /// Work on a clock, run by every replica once the schema is ready.
    public var periodic: [PeriodicWork]

    public init(
        personalData: PersonalData, migrations: [Migration] = [], requests: RPCHandlers = RPCHandlers(),
        events: TransactionalEventHandlers = TransactionalEventHandlers(), commands: EventHandlers = EventHandlers(),
        afterMigration: [@Sendable () async throws -> Void] = [], retention: [RetentionRule] = [], periodic: [PeriodicWork] = []
    ) {
        self.personalData = personalData
        self.migrations = migrations
        self.requests = requests
        self.events = events
        self.commands = commands
        self.afterMigration = afterMigration
        self.retention = retention
        self.periodic = periodic
    }
}

extension BackendDefinition {
    /// Every migration of the service's schema, in order: the platform's tables, the personal-data
    /// register's if it holds personal data, its own.
    public var schema: [Migration] { Migration.platform + personalData.migrations + migrations }

    /// The handlers the RPC server dispatches to: the service's own and its data-rights part's.
    public func requestHandlers(of service: ServiceName, database: Database) -> RPCHandlers {
        var handlers = requests
        handlers.register(personalData, of: service, database: database)
        return handlers
    }
}

public enum PlatformVersion {
    public static let current = "0.1.0"
}

extension Backend {
    /// Assembles a backend process: database pool, broker connections, ops endpoint, migrations,
    /// outbox relay, retention sweeper, and the consumers of its request, event and command queues, in one
    /// `ServiceGroup` that shuts down gracefully on SIGTERM (consumers first, connections last).
    /// Throws `ManifestMismatch` when the handlers differ from the service's manifest.
    public static func build(
        configuration: ServiceConfiguration, logger: Logger, metrics: PrometheusCollectorRegistry?,
        topology: Topology = PlatformTopology.make(),
        define: (Backend) -> BackendDefinition
    ) throws -> ServiceGroup {
        guard let databaseConfiguration = configuration.database else {
            throw ConfigurationError("EXPO_POSTGRES_URL", "\(configuration.service.rawValue) needs a database")
        }
        try PortCheck.ensureFree(host: configuration.opsHost, port: configuration.opsPort, variable: "EXPO_OPS_PORT")
        let database = Database(configuration: databaseConfiguration, logger: logger)
        let bus = MessageBus(configuration: configuration.amqp, topology: topology, instance: configuration.instance, logger: logger)
        let relay = OutboxRelay(database: database, bus: bus, logger: logger)
        let backend = Backend(configuration: configuration, logger: logger, database: database, bus: bus)
        var definition = define(backend)
        let gate = StartupGate()
        let probe = DatabaseProbe(database: database)
        let started = ContinuousClock.now
        let service = configuration.service

        definition.requests.register(MessageType.ping(service)) { _ in
            let databaseReachable = await probe.check()
            return try MessageCodec.encode(Pong(
                service: service, instance: configuration.instance, version: PlatformVersion.current,
                uptimeSeconds: Double((ContinuousClock.now - started).components.seconds),
                ready: gate.isOpen && databaseReachable))
        }
        definition.requests = definition.requestHandlers(of: service, database: database)
        let migrations = definition.schema
        try ManifestMismatch.check(definition, against: ServiceManifest.of(service))
        let migrator = MigrationService(
            database: database, migrations: migrations, afterMigration: definition.afterMigration, gate: gate, logger: logger)
        let ops = OpsServer.application(host: configuration.opsHost, port: configuration.opsPort, metrics: metrics, logger: logger) {
            let database = await probe.check()
            let checks = ["broker": bus.isReady, "database": database, "migrated": gate.isOpen]
            return .init(ready: !checks.values.contains(false), checks: checks, instance: configuration.instance)
        }
        definition.requests.translateError = { Problem.databaseUnavailable(for: $0) }
        var consumers: [any Service] = [
            RPCServer.consumer(service: service, handlers: definition.requests, bus: bus, prefetch: configuration.rpcPrefetch, logger: logger),
        ]
        if !definition.events.isEmpty {
            let handlers = definition.events.eventHandlers(database: database)
            consumers.append(EventConsumer.consumer(
                queue: PlatformTopology.eventQueue(service), handlers: handlers, bus: bus,
                prefetch: configuration.eventPrefetch, isTransient: { Problem.databaseUnavailable(for: $0) != nil },
                logger: logger))
        }
        if !definition.commands.isEmpty {
            consumers.append(EventConsumer.consumer(
                queue: PlatformTopology.commandQueue(service), handlers: definition.commands, bus: bus,
                prefetch: configuration.eventPrefetch, isTransient: { Problem.databaseUnavailable(for: $0) != nil },
                logger: logger))
        }
        let services: [ServiceGroupConfiguration.ServiceConfiguration] =
            ([database] + bus.services + [ops]).map { .init(service: $0) }
            + [.init(service: migrator, successTerminationBehavior: .ignore)]
            + ([relay, RetentionSweeper(
                database: database, rules: RetentionRule.platform + definition.personalData.retention + definition.retention, interval: configuration.retentionInterval,
                logger: logger)]
                + definition.periodic.map { PeriodicWorker(work: $0, logger: logger) as any Service } + consumers).map {
                .init(service: GatedService(gate: gate, service: $0))
            }
        return ServiceGroup(configuration: .init(
            services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
    }
}

/// Applies the migrations (retrying while the database is away) and the service's start-up work,
/// then opens the gate.
struct MigrationService: Service {
    let database: Database
    let migrations: [Migration]
    let afterMigration: [@Sendable () async throws -> Void]
    let gate: StartupGate
    let logger: Logger

    func run() async throws {
        var delay = Duration.milliseconds(200)
        while !Task.isCancelled, !gate.isOpen {
            do {
                try await Migrator.migrate(database, migrations, logger: logger)
                for task in afterMigration { try await task() }
                gate.open()
                logger.info("schema ready", metadata: ["schema": "\(database.schema)"])
            } catch let error as DatabaseError where error.code == .schemaMissing || error.code == .migrationFailed {
                throw error
            } catch let error as ConfigurationError {
                throw error
            } catch {
                logger.warning("database not ready, retrying", metadata: ["error": "\(String(reflecting: error))", "retryIn": "\(delay)"])
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(5))
            }
        }
    }
}

/// Answers "is the database usable?" from a check at most a second old, so health probes and pings
/// don't each cost a query.
final class DatabaseProbe: Sendable {
    private let database: Database
    private let state = Mutex<(answer: Bool, at: ContinuousClock.Instant?)>((false, nil))

    init(database: Database) { self.database = database }

    func check() async -> Bool {
        if let cached = state.withLock({ state in
            state.at.map { ContinuousClock.now - $0 < .seconds(1) } == true ? state.answer : nil
        }) {
            return cached
        }
        let answer = await database.isReachable()
        state.withLock { $0 = (answer, ContinuousClock.now) }
        return answer
    }
}
