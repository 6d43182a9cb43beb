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
    let database: Database
    let handlers: AccountsHandlers
    /// The handlers as registered for the RPC server, with the access each request declares.
    let requests: RPCHandlers
    let logger = TestEnvironment.logger("accounts")

    static let password = "correct horse battery staple 42"

    static func with<T: Sendable>(
        _ settings: AccountsSettings = AccountsSettings(lockoutThreshold: 3, lockoutDuration: .seconds(2)),
        _ body: (AccountsHarness) async throws -> T
    ) async throws -> T {
        try await TestDatabase.with(migrations: Migration.platform + PersonalDataRegister.migrations + AccountsMigrations.all) { database in
            do {
                return try await body(AccountsHarness(database: database, settings: settings))
            } catch let error as PSQLError {
                // Its description hides the server's message; a failing test needs it.
                throw TestFailure(String(reflecting: error))
            }
        }
    }

    init(database: Database, settings: AccountsSettings) throws {
        self.database = database
        handlers = AccountsHandlers(
            database: database, hasher: PasswordHasher(parameters: settings.argon2), policy: try PasswordPolicy.shipped(),
            settings: settings)
        var requests = RPCHandlers()
        handlers.register(into: &requests)
        requests.register(AccountsPersonalData(settings: settings), of: .accounts, database: database)
        self.requests = requests
    }

    /// Sends `request` the way the RPC server hands it over: encoded, through its registered handler.
    func send<Request: RequestContract>(_ request: Request, actor: Actor? = nil) async throws -> Request.Reply {
        try await send(Request.type, request, actor: actor, as: Request.Reply.self)
    }

    /// Sends a data-rights request, as the data-rights service will.
    func send<Body: Encodable, Reply: Decodable>(_ operation: PersonalDataOperation, _ body: Body, as _: Reply.Type) async throws -> Reply {
        try await send(operation.type(of: .accounts), body, actor: nil, as: Reply.self)
    }

    private func send<Body: Encodable, Reply: Decodable>(_ type: MessageType, _ body: Body, actor: Actor?, as _: Reply.Type) async throws -> Reply {
        guard let handler = requests.handler(for: type) else { throw TestFailure("no handler for \(type)") }
        let message = IncomingMessage(type: type, actor: actor, body: try MessageCodec.encode(body))
        return try MessageCodec.decode(Reply.self, from: try await handler(RequestContext(message: message, logger: logger)))
    }

    /// The same handlers with other settings, on the same schema.
    func with(_ settings: AccountsSettings) throws -> AccountsHarness {
        try AccountsHarness(database: database, settings: settings)
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
        return Actor(accountID: authenticated.accountID, roles: authenticated.roles.map(\.rawValue), sessionID: authenticated.sessionID)
    }

    func authenticate(_ token: String) async throws -> AuthenticatedSession {
        try await handlers.authenticateSession(AuthenticateSession(token: token), context(AuthenticateSession.type))
    }

    /// The bodies of the events of `Event`'s type in the outbox, oldest first.
    func events<Event: EventContract>(_: Event.Type) async throws -> [Event] {
        try await database.transaction { connection in
            let rows = try await connection.query("SELECT body FROM outbox WHERE type = \(Event.type.rawValue) ORDER BY id", logger: logger)
            var events: [Event] = []
            for try await body in rows.decode(Data.self) { events.append(try MessageCodec.decode(Event.self, from: body)) }
            return events
        }
    }

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

    func count(_ query: PostgresQuery) async throws -> Int { try await database.count(query) }
}

/// Runs `body` and returns the `Problem` it threw (nil if it threw none, rethrows anything else).
func problem(_ body: () async throws -> some Any) async throws -> Problem? {
    do {
        _ = try await body()
        return nil
    } catch let problem as Problem {
        return problem
    }
}
