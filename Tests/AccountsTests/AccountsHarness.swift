@testable import Accounts
import Contracts
import Foundation
import Logging
import MessageBus
import Persistence
import PostgresNIO
import ServiceRuntime
import TestSupport

/// The accounts handlers on a fresh, migrated schema of the real PostgreSQL, called as the RPC
/// server would call them.
struct AccountsHarness {
    let kit: HandlerHarness
    /// The handlers themselves, for calls with a hand-made context (deadlines, keys).
    let handlers: AccountsHandlers
    var database: Database { kit.database }
    var requests: RPCHandlers { kit.requests }
    var logger: Logger { kit.logger }

    static let password = "correct horse battery staple 42"

    static func with<T: Sendable>(
        _ settings: AccountsSettings = AccountsSettings(lockoutThreshold: 3, lockoutDuration: .seconds(2)),
        _ body: (AccountsHarness) async throws -> T
    ) async throws -> T {
        try await HandlerHarness.with(.accounts, define: define(settings)) { kit in
            try await body(try AccountsHarness(kit: kit, settings: settings))
        }
    }

    /// The service's own builder, with `settings`.
    static func define(_ settings: AccountsSettings) -> (Database, Logger) throws -> BackendDefinition {
        { database, logger in accountsDefinition(database: database, logger: logger, settings: settings, policy: try PasswordPolicy.shipped()) }
    }

    init(kit: HandlerHarness, settings: AccountsSettings) throws {
        self.kit = kit
        handlers = AccountsHandlers(
            database: kit.database, hasher: PasswordHasher(parameters: settings.argon2), policy: try PasswordPolicy.shipped(),
            settings: settings)
    }

    /// The service with other settings, on the same schema.
    func with(_ settings: AccountsSettings) throws -> AccountsHarness {
        try AccountsHarness(kit: try kit.with(Self.define(settings)), settings: settings)
    }

    /// Sends `request` the way the RPC server hands it over.
    func send<Request: RequestContract>(_ request: Request, actor: Actor? = nil) async throws -> Request.Reply {
        try await kit.send(request, actor: actor)
    }

    /// The service's whole part of an access request, as data-rights assembles it.
    func export(_ task: DataSubjectTask) async throws -> PersonalDataExport { try await kit.export(task) }

    /// Sends a data-rights request, as the data-rights service will.
    func send<Body: Encodable, Reply: Decodable>(_ operation: PersonalDataOperation, _ body: Body, as _: Reply.Type) async throws -> Reply {
        try await kit.send(operation, body, as: Reply.self)
    }

    func context(_ type: MessageType, actor: Actor? = nil, idempotencyKey: String? = nil, deadline: Date? = nil) -> RequestContext {
        RequestContext(
            message: IncomingMessage(type: type, actor: actor, idempotencyKey: idempotencyKey, deadline: deadline, body: Data()),
            logger: logger)
    }

    static func registration(
        email: String = "\(uniqueName("buyer"))@example.com", businessType: String = "purchaser", password: String = password
    ) -> RegisterAccount {
        RegisterAccount(
            email: email, password: password, companyName: "Shenzhen Precision Motors Co.", businessType: businessType,
            industry: "Electric motors", country: "cn", contactName: "Li Wei", title: "Sales manager", department: "Export",
            telephone: "+86 755 1234 5678")
    }

    @discardableResult
    func register(_ request: RegisterAccount = registration(), idempotencyKey: String? = nil) async throws -> Account {
        try await handlers.registerAccount(request, context(RegisterAccount.type, idempotencyKey: idempotencyKey))
    }

    func signIn(_ email: String, _ password: String = password, ip: String = "203.0.113.7", userAgent: String = "Tests/1.0") async throws -> CreatedSession {
        try await handlers.createSession(
            CreateSession(email: email, password: password, client: ClientInfo(ip: ip, userAgent: userAgent)),
            context(CreateSession.type))
    }

    /// What the gateway would put in `x-actor` for this session.
    func actor(_ session: CreatedSession) async throws -> Actor {
        let authenticated = try await authenticate(session.token)
        return Actor(accountID: authenticated.accountID, companyID: authenticated.companyID, roles: authenticated.roles.map(\.rawValue), sessionID: authenticated.sessionID)
    }

    func authenticate(_ token: String) async throws -> AuthenticatedSession {
        try await handlers.authenticateSession(AuthenticateSession(token: token), context(AuthenticateSession.type))
    }

    func events<Event: EventContract>(_ type: Event.Type) async throws -> [Event] { try await kit.events(type) }

    /// Makes an account an admin the way only the bootstrap may, and signs it in.
    func admin() async throws -> (Actor, CreatedSession) {
        let email = "\(uniqueName("admin"))@expo.example"
        let request = AdminBootstrap.Request(email: email, password: Self.password, contactName: "Admin")
        if try await !AdminBootstrap.run(request, handlers: handlers, logger: logger) {
            throw TestFailure("an admin existed already")
        }
        let session = try await signIn(email)
        return (try await actor(session), session)
    }

    func count(_ query: PostgresQuery) async throws -> Int { try await kit.count(query) }
}
