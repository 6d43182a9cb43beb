import Contracts
import PostgresNIO

extension Problem.Code {
    public static let databaseUnavailable = Problem.Code("database-unavailable")
    public static let invalidIdempotencyKey = Problem.Code("invalid-idempotency-key")
    public static let idempotencyKeyReused = Problem.Code("idempotency-key-reused")
}

extension Problem {
    /// The answer to a request whose database cannot be reached right now (connection refused or
    /// lost, server shutting down or recovering, too many connections), or nil for any other
    /// error. Clients retry a 503; nothing about the request was wrong.
    public static func databaseUnavailable(for error: any Error) -> Problem? {
        guard let error = error as? PSQLError else { return nil }
        let transient: Bool
        switch error.code {
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed:
            transient = true
        case .server:
            // 08: connection exception; 57P: operator intervention (shutdown, recovery); 53300: too many connections.
            let state = error.serverInfo?[.sqlState] ?? ""
            transient = state.hasPrefix("08") || state.hasPrefix("57P") || state == "53300"
        default:
            transient = false
        }
        guard transient else { return nil }
        return Problem(status: 503, code: .databaseUnavailable, title: "The service's database is temporarily unavailable",
                       detail: "try again shortly; nothing was changed")
    }
}
