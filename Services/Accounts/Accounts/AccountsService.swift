import Contracts
import Logging
import MessageBus
import Persistence
import Prometheus
import ServiceLifecycle
import ServiceRuntime

/// The accounts service: companies and users, registration, sign-in and sessions, the user
/// center, verification (KYC) and roles, on its own `accounts` schema.
public func buildAccounts(configuration: ServiceConfiguration, logger: Logger, metrics: PrometheusCollectorRegistry?) throws -> ServiceGroup {
    let settings = try AccountsSettings(environment: configuration.environment)
    let policy = try PasswordPolicy.shipped()
    return try Backend.build(configuration: configuration, logger: logger, metrics: metrics) { backend in
        accountsDefinition(database: backend.database, logger: backend.logger, settings: settings, policy: policy)
    }
}

/// The accounts service's schema, handlers, data-rights part, start-up work, retention and the
/// verification expiry timer, for `Backend.build` and the tests.
func accountsDefinition(database: Database, logger: Logger, settings: AccountsSettings, policy: PasswordPolicy) -> BackendDefinition {
    let handlers = AccountsHandlers(
        database: database, hasher: PasswordHasher(parameters: settings.argon2), policy: policy, settings: settings)
    var requests = RPCHandlers()
    handlers.register(into: &requests)
    var afterMigration: [@Sendable () async throws -> Void] = []
    if let bootstrap = settings.bootstrapAdmin {
        afterMigration.append { try await AdminBootstrap.run(bootstrap, handlers: handlers, logger: logger) }
    }
    var events = TransactionalEventHandlers()
    ConsentState.register(into: &events)
    return BackendDefinition(
        personalData: .held(AccountsPersonalData(settings: settings)), migrations: AccountsMigrations.all, requests: requests, events: events,
        afterMigration: afterMigration,
        retention: AccountsRetention.rules(settings),
        periodic: [VerificationExpiry.work(settings: settings, database: database, logger: logger)])
}

/// How long the accounts schema keeps what it records.
enum AccountsRetention {
    static func rules(_ settings: AccountsSettings) -> [RetentionRule] {
        [
            RetentionRule(name: "login records", sql: """
                DELETE FROM login_records WHERE occurred_at < now() - interval '\(settings.loginRecordRetentionDays) days'
                """),
            // Ended sessions stay a month for the owner's security review, then go.
            RetentionRule(name: "sessions", sql: """
                DELETE FROM sessions WHERE expires_at < now() - interval '30 days'
                   OR revoked_at < now() - interval '30 days'
                """),
            RetentionRule(name: "live tickets", sql: "DELETE FROM live_tickets WHERE expires_at < now()"),
            RetentionRule(name: "email tokens", sql: "DELETE FROM email_tokens WHERE expires_at < now()"),
            RetentionRule(name: "company invitations", sql: "DELETE FROM company_invitations WHERE expires_at < now()"),
            // Failed sign-ins (address, email hash) are remembered a day for the waits they cause.
            RetentionRule(name: "failed sign-ins", sql: """
                DELETE FROM failed_sign_ins WHERE occurred_at < now() - interval '\(SignInLock.memory) seconds'
                """),
        ]
    }
}
