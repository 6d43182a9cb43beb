import Contracts
import Foundation
import MessageBus
import Persistence
import ServiceRuntime

extension AccountsHandlers {
    static let liveTicketLifetime: TimeInterval = 60

    /// `accounts.issue-live-ticket.v1`: a ticket for the caller's session; only its hash is kept.
    @Sendable func issueLiveTicket(_ request: IssueLiveTicket, _ context: RequestContext) async throws -> LiveTicket {
        let actor = try context.caller()
        guard let sessionID = actor.sessionID else { throw Problem.forbidden("live tickets are issued to a signed-in session") }
        let ticket = SecretToken.generate()
        let expiresAt = Date(timeIntervalSinceNow: Self.liveTicketLifetime)
        return try await database.transaction(context) { transaction in
            try await transaction.query("""
                INSERT INTO live_tickets (token_hash, session_id, expires_at) VALUES (\(SecretToken.hash(ticket)), \(sessionID), \(expiresAt))
                """)
            return LiveTicket(ticket: ticket, expiresAt: expiresAt)
        }
    }

    /// `accounts.redeem-live-ticket.v1`: the ticket's session, once; an unknown, used or expired
    /// ticket, or one whose session ended, is a 401.
    @Sendable func redeemLiveTicket(_ request: RedeemLiveTicket, _ context: RequestContext) async throws -> AuthenticatedSession {
        let refused = Problem.unauthorized("the live ticket is invalid, used or expired")
        guard SecretToken.isWellFormed(request.ticket) else { throw refused }
        return try await database.transaction(context) { transaction in
            let rows = try await transaction.query("""
                WITH used AS (
                    DELETE FROM live_tickets WHERE token_hash = \(SecretToken.hash(request.ticket)) RETURNING session_id, expires_at
                )
                SELECT s.id, s.account_id, a.company_id, a.roles, s.expires_at
                FROM used JOIN sessions s ON s.id = used.session_id JOIN accounts a ON a.id = s.account_id
                WHERE used.expires_at > now() AND s.revoked_at IS NULL AND s.expires_at > now()
                """)
            for try await (sessionID, accountID, companyID, roles, expiresAt) in rows.decode((UUID, UUID, UUID?, [String], Date).self) {
                return AuthenticatedSession(
                    accountID: accountID, companyID: companyID, sessionID: sessionID, roles: roles.compactMap(Role.init(rawValue:)).sorted(),
                    expiresAt: expiresAt)
            }
            throw refused
        }
    }
}
