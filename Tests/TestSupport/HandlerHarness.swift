import AMQPTransport
import Contracts
import Foundation
import Logging
import MessageBus
import Persistence
import PostgresNIO
import ServiceRuntime

/// A backend's request handlers on a fresh, migrated schema of the real PostgreSQL, called the way
/// the RPC server calls them: encoded, through the registry, with each request's access enforced,
/// the data-rights part included.
public struct HandlerHarness: Sendable {
    public let service: ServiceName
    public let database: Database
    public let requests: RPCHandlers
    /// Its event handlers, inbox included, as the event consumer calls them.
    public let eventHandlers: EventHandlers
    /// Its command handlers, as the consumer of `<service>.commands` calls them.
    public let commandHandlers: EventHandlers
    public let logger: Logger

    /// Runs `body` with the handlers of the definition `define` builds (the same builder the
    /// service's process uses), on a new schema migrated as the process would; dropped afterwards.
    public static func with<T: Sendable>(
        _ service: ServiceName, define: (Database, Logger) throws -> BackendDefinition, _ body: (HandlerHarness) async throws -> T
    ) async throws -> T {
        try await TestDatabase.with(migrations: []) { database in
            let logger = TestEnvironment.logger(service.rawValue)
            let definition = try define(database, logger)
            try await Migrator.migrate(database, definition.schema, logger: logger)
            let harness = HandlerHarness(
                service: service, database: database, requests: definition.requestHandlers(of: service, database: database),
                eventHandlers: definition.events.eventHandlers(database: database), commandHandlers: definition.commands, logger: logger)
            do {
                return try await body(harness)
            } catch let error as PSQLError {
                // Its description hides the server's message; a failing test needs it.
                throw TestFailure(String(reflecting: error))
            }
        }
    }

    /// The handlers of another definition on the same schema (e.g. the service with other settings).
    public func with(_ define: (Database, Logger) throws -> BackendDefinition) throws -> HandlerHarness {
        let definition = try define(database, logger)
        return HandlerHarness(
            service: service, database: database, requests: definition.requestHandlers(of: service, database: database),
            eventHandlers: definition.events.eventHandlers(database: database), commandHandlers: definition.commands, logger: logger)
    }

    /// Sends `request` as `actor` and decodes its reply; a refusal or failure is thrown as its `Problem`.
    public func send<Request: RequestContract>(_ request: Request, actor: Actor? = nil, idempotencyKey: String? = nil) async throws -> Request.Reply {
        try await send(Request.type, request, actor: actor, idempotencyKey: idempotencyKey, as: Request.Reply.self)
    }

    /// Sends a data-rights request, as the data-rights service does.
    public func send<Body: Encodable, Reply: Decodable>(_ operation: PersonalDataOperation, _ body: Body, as _: Reply.Type) async throws -> Reply {
        try await send(operation.type(of: service), body, actor: nil, idempotencyKey: nil, as: Reply.self)
    }

    /// The service's whole part of an access request, assembled from its chunks as data-rights does.
    public func export(_ task: DataSubjectTask) async throws -> PersonalDataExport {
        try MessageCodec.decode(PersonalDataExport.self, from: try await PersonalDataExportChunk.assemble { chunk in
            try await send(.export, ExportPersonalData(task: task, chunk: chunk), as: PersonalDataExportChunk.self)
        })
    }

    func send<Body: Encodable, Reply: Decodable>(
        _ type: MessageType, _ body: Body, actor: Actor?, idempotencyKey: String?, as _: Reply.Type
    ) async throws -> Reply {
        guard let handler = requests.handler(for: type) else { throw TestFailure("no handler for \(type)") }
        let message = IncomingMessage(type: type, actor: actor, idempotencyKey: idempotencyKey, body: try MessageCodec.encode(body))
        return try MessageCodec.decode(Reply.self, from: try await handler(RequestContext(message: message, logger: logger)))
    }

    /// Delivers `event` as the event consumer would (a repeated `messageID` is a redelivery).
    public func deliver<Event: EventContract>(_ event: Event, messageID: String = UUID().uuidString) async throws {
        guard let handler = eventHandlers.handler(for: Event.type) else { throw TestFailure("no handler for \(Event.type)") }
        try await handler(IncomingMessage(type: Event.type, messageID: messageID, body: try MessageCodec.encode(event)), logger)
    }

    /// Delivers a command's `body` (any bytes, to try bad ones) as the command queue's consumer
    /// would, and answers what the consumer would do with it.
    public func command(_ type: MessageType, body: Data, messageID: String = UUID().uuidString) async -> QueueConsumer.Disposition {
        await EventConsumer.handle(
            IncomingMessage(type: type, messageID: messageID, body: body), handlers: commandHandlers,
            deliveryLimit: PlatformTopology.eventDeliveryLimit, logger: logger)
    }

    /// The events of `Event`'s type in the outbox, oldest first.
    public func events<Event: EventContract>(_: Event.Type) async throws -> [Event] {
        let rows = try await database.client.query("SELECT body FROM outbox WHERE type = \(Event.type.rawValue) ORDER BY id", logger: logger)
        var events: [Event] = []
        for try await body in rows.decode(Data.self) { events.append(try MessageCodec.decode(Event.self, from: body)) }
        return events
    }

    public func count(_ query: PostgresQuery) async throws -> Int { try await database.count(query) }
}
