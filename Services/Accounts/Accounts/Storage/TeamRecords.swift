import Contracts
import Foundation
import Logging
import Persistence
import PostgresNIO
import ServiceRuntime

/// Reads of company teams: who belongs to which company in which role, and the open invitations,
/// whose tokens are kept only as SHA-256 (the raw token lives in the mail alone).
enum TeamRecords {
    static let invitationLifetime: TimeInterval = 7 * 24 * 3600
    static let invalidInvitation = Problem.notFound("this invitation is unknown, used or expired; ask your colleague for a new one")

    static let memberSelect = "SELECT id, contact_name, email, title, department, company_role, joined_at FROM accounts"
    typealias MemberRow = (UUID, String, String, String?, String?, String?, Date?)

    static func member(_ row: MemberRow) throws -> CompanyMember {
        let (id, name, email, title, department, role, joinedAt) = row
        guard let role = role.flatMap(CompanyRole.init(rawValue:)), let joinedAt else { throw Problem.internalError("a member without a role") }
        return CompanyMember(accountID: id, contactName: name, email: email, title: title, department: department, role: role, joinedAt: joinedAt)
    }

    /// The caller's company and role, or 409 `no-company` for staff and people who left theirs.
    static func membership(of accountID: UUID, on connection: PostgresConnection, logger: Logger) async throws -> (UUID, CompanyRole) {
        let rows = try await connection.query("SELECT company_id, company_role FROM accounts WHERE id = \(accountID)", logger: logger)
        for try await (companyID, role) in rows.decode((UUID?, String?).self) {
            if let companyID, let role = role.flatMap(CompanyRole.init(rawValue:)) { return (companyID, role) }
        }
        throw Problem(status: 409, code: .noCompany, title: "You act for no company",
                      detail: "staff accounts and people removed from their company have no company team")
    }

    /// The caller's team, locked against concurrent changes of roles and members, so two admins
    /// demoting each other cannot leave the company without one.
    static func lockTeam(of accountID: UUID, on transaction: Transaction) async throws -> Team {
        let (companyID, callerRole) = try await membership(of: accountID, on: transaction.connection, logger: transaction.logger)
        var members: [UUID: CompanyRole] = [:]
        for try await (id, role) in try await transaction.query("""
            SELECT id, company_role FROM accounts WHERE company_id = \(companyID) AND erased_at IS NULL ORDER BY id FOR UPDATE
            """).decode((UUID, String).self) {
            members[id] = CompanyRole(rawValue: role)
        }
        return Team(companyID: companyID, callerRole: members[accountID] ?? callerRole, members: members)
    }

    struct Team {
        var companyID: UUID
        var callerRole: CompanyRole
        var members: [UUID: CompanyRole]
        var admins: Int { members.values.filter { $0 == .admin }.count }
    }

    struct Invitation {
        var companyID: UUID
        var email: String
        var role: CompanyRole
    }

    /// The open invitation a token belongs to, without using it up.
    static func openInvitation(_ token: String, database: Database, logger: Logger) async throws -> Invitation? {
        guard SecretToken.isWellFormed(token) else { return nil }
        let rows = try await database.client.query("""
            SELECT company_id, email, role FROM company_invitations WHERE token_hash = \(SecretToken.hash(token)) AND expires_at > now()
            """, logger: logger)
        for try await (companyID, email, role) in rows.decode((UUID, String, String).self) {
            return Invitation(companyID: companyID, email: email, role: CompanyRole(rawValue: role) ?? .member)
        }
        return nil
    }

    /// Uses up a live invitation: of two uses of one link, only one gets past this.
    static func redeem(_ token: String, on transaction: Transaction) async throws -> Invitation {
        let rows = try await transaction.query("""
            DELETE FROM company_invitations WHERE token_hash = \(SecretToken.hash(token))
            RETURNING company_id, email, role, expires_at > now()
            """)
        for try await (companyID, email, role, live) in rows.decode((UUID, String, String, Bool).self) where live {
            return Invitation(companyID: companyID, email: email, role: CompanyRole(rawValue: role) ?? .member)
        }
        throw invalidInvitation
    }
}
