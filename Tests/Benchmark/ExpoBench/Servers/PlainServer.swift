import Accounts
import Foundation
import Hummingbird
import Logging
import MessageBus
import Persistence
import PostgresNIO
import ServiceLifecycle
import ServiceRuntime
import Synchronization

/// Baseline A: `GET /v1/me` as a plain Hummingbird handler reading PostgreSQL directly, with no
/// broker in between. It does what the gateway and accounts do together for that request: a
/// bearer token is looked up once and then remembered (the gateway caches it too), and the
/// account is read with the same query accounts runs, then encoded the same way.
enum PlainServer {
    static func run(port: Int, database configuration: DatabaseConfiguration, logger: Logger) async throws {
        let database = Database(configuration: configuration, logger: logger)
        let sessions = Mutex<[String: UUID]>([:])
        let router = Router()
        router.get("/v1/me") { request, _ -> Response in
            guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
                return Response(status: .unauthorized)
            }
            let token = String(header.dropFirst("Bearer ".count))
            var accountID = sessions.withLock { $0[token] }
            if accountID == nil {
                let rows = try await database.client.query("""
                    SELECT account_id FROM sessions
                    WHERE token_hash = \(SecretToken.hash(token)) AND revoked_at IS NULL AND expires_at > now()
                    """, logger: logger)
                for try await id in rows.decode(UUID.self) { accountID = id }
                guard let accountID else { return Response(status: .unauthorized) }
                sessions.withLock { $0[token] = accountID }
            }
            guard let accountID,
                  let account = try await database.withConnection({ try await AccountRecords.fetch(accountID, on: $0, logger: logger) })
            else { return Response(status: .notFound) }
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(bytes: try MessageCodec.encode(account))))
        }
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "bench-plain"),
            logger: logger)
        try await ServiceGroup(configuration: .init(
            services: [database, app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)).run()
    }
}
