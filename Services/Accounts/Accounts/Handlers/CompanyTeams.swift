import Contracts
import Foundation
import MessageBus
import Persistence
import PostgresNIO
import ServiceRuntime

extension AccountsHandlers {
    /// `accounts.list-company-members.v1`: the caller's colleagues, longest-serving first, and the
    /// invitations still open.
    @Sendable func listCompanyMembers(_: ListCompanyMembers, _ context: RequestContext) async throws -> CompanyTeam {
        let actor = try context.caller()
        return try await database.withConnection { connection in
            let (companyID, _) = try await TeamRecords.membership(of: actor.accountID, on: connection, logger: context.logger)
            var members: [CompanyMember] = []
            for try await row in try await connection.query("""
                \(unescaped: TeamRecords.memberSelect) WHERE company_id = \(companyID) AND erased_at IS NULL ORDER BY joined_at, id
                """, logger: context.logger).decode(TeamRecords.MemberRow.self) {
                members.append(try TeamRecords.member(row))
            }
            var invitations: [CompanyInvitation] = []
            for try await (id, email, role, invitedBy, createdAt, expiresAt) in try await connection.query("""
                SELECT id, email, role, invited_by, created_at, expires_at FROM company_invitations
                WHERE company_id = \(companyID) AND expires_at > now() ORDER BY created_at, id
                """, logger: context.logger).decode((UUID, String, String, UUID, Date, Date).self) {
                invitations.append(CompanyInvitation(
                    id: id, email: email, role: CompanyRole(rawValue: role) ?? .member, invitedBy: invitedBy, createdAt: createdAt,
                    expiresAt: expiresAt))
            }
            return CompanyTeam(items: members, invitations: invitations)
        }
    }

    /// `accounts.invite-colleague.v1`: a company admin invites an address; marketing mails the
    /// single-use link, valid for seven days. Inviting the address again replaces the open
    /// invitation (and its link).
    @Sendable func inviteColleague(_ request: InviteColleague, _ context: RequestContext) async throws -> CompanyInvitation {
        let actor = try context.caller()
        var checks = FieldChecks()
        let email = checks.email("email", request.email)
        let role = request.role == nil ? CompanyRole.member : checks.oneOf("role", request.role, as: CompanyRole.self)
        try checks.finish()
        guard let email, let role else { throw Problem.internalError("validation let a missing field through") }
        return try await database.transaction(context, idempotent: try MessageCodec.encode(request)) { transaction in
            let (companyID, callerRole) = try await TeamRecords.membership(of: actor.accountID, on: transaction.connection, logger: context.logger)
            guard callerRole == .admin else { throw Problem.notCompanyAdmin }
            // Someone acting for a company (this one or another) cannot join a second.
            if try await transaction.query("""
                SELECT 1 FROM accounts WHERE lower(email) = lower(\(email)) AND company_id IS NOT NULL
                """).exists {
                throw Problem(status: 409, code: .emailTaken, title: "This address already acts for a company",
                              detail: "a person belongs to one company; they must leave theirs (or use another address) to join")
            }
            let inviter = try await AccountRecords.require(actor.accountID, on: transaction.connection, logger: context.logger)
            guard let company = inviter.company else { throw Problem.internalError("an admin without a company") }
            guard company.businessType != .individualPurchaser else {
                throw Problem(status: 409, code: .companyOfOne, title: "An individual purchaser has no company team",
                              detail: "register the company as a purchaser or supplier to work in a team")
            }
            let token = SecretToken.generate()
            let id = UUID()
            let expiresAt = Date(timeIntervalSinceNow: TeamRecords.invitationLifetime)
            try await transaction.query("DELETE FROM company_invitations WHERE company_id = \(companyID) AND lower(email) = lower(\(email))")
            let createdAt = try await transaction.query("""
                INSERT INTO company_invitations (id, company_id, email, role, token_hash, invited_by, expires_at)
                VALUES (\(id), \(companyID), \(email), \(role.rawValue), \(SecretToken.hash(token)), \(actor.accountID), \(expiresAt))
                RETURNING created_at
                """).decode(Date.self).first { _ in true } ?? Date()
            try await transaction.emit(ColleagueInvited(
                invitationID: id, companyID: companyID, companyName: company.name, email: email, invitedByName: inviter.contactName,
                token: token, expiresAt: expiresAt, language: inviter.language))
            return CompanyInvitation(id: id, email: email, role: role, invitedBy: actor.accountID, createdAt: createdAt, expiresAt: expiresAt)
        }
    }

    /// `accounts.accept-invitation.v1`: the invitation link, used once before it expires. Signed
    /// in, the caller joins; otherwise a new account is registered for the invited address.
    @Sendable func acceptInvitation(_ request: AcceptInvitation, _ context: RequestContext) async throws -> Account {
        guard let invitation = try await TeamRecords.openInvitation(request.token, database: database, logger: context.logger) else {
            throw TeamRecords.invalidInvitation
        }
        if let actor = context.message.actor {
            return try await join(invitation, actor: actor, token: request.token, context)
        }
        var checks = FieldChecks()
        let contactName = checks.required("contactName", request.contactName, maxLength: 100)
        let title = checks.optional("title", request.title, maxLength: 100)
        let department = checks.optional("department", request.department, maxLength: 100)
        let telephone = checks.telephone("telephone", request.telephone)
        let language = request.language == nil ? Language.en : checks.oneOf("language", request.language, as: Language.self)
        checkNewPassword(request.password, email: invitation.email, field: "password", into: &checks)
        try checks.finish()
        guard let contactName, let telephone, let language, let password = request.password else {
            throw Problem.internalError("validation let a missing field through")
        }
        let passwordHash = try await hasher.hash(password)
        var fingerprint = request
        fingerprint.password = nil
        return try await database.transaction(context, idempotent: try MessageCodec.encode(fingerprint)) { transaction in
            let invitation = try await TeamRecords.redeem(request.token, on: transaction)
            let accountID = UUID()
            do {
                // The link proves the address it was mailed to.
                try await transaction.query("""
                    INSERT INTO accounts (id, company_id, company_role, joined_at, email, email_verified_at, password_hash, contact_name,
                                          title, department, telephone, roles, language)
                    SELECT \(accountID), c.id, \(invitation.role.rawValue), now(), \(invitation.email), now(), \(passwordHash),
                           \(contactName), \(title.nonEmpty), \(department.nonEmpty), \(telephone),
                           ARRAY[CASE WHEN c.business_type = 'supplier' THEN 'supplier' ELSE 'purchaser' END], \(language.rawValue)
                    FROM companies c WHERE c.id = \(invitation.companyID)
                    """)
            } catch where error.sqlState == "23505" {
                throw Problem(status: 409, code: .emailTaken, title: "This email is already registered",
                              detail: "sign in with it, then open the invitation link again")
            }
            let account = try await AccountRecords.require(accountID, on: transaction.connection, logger: context.logger)
            guard let card = account.card, let role = account.companyRole else { throw Problem.internalError("the company is gone") }
            try await transaction.emit(AccountRegistered(
                accountID: accountID, email: account.email, contactName: contactName, company: card, roles: account.roles,
                registeredAt: account.createdAt, language: language))
            try await transaction.emit(CompanyMemberJoined(accountID: accountID, company: card, role: role, joinedAt: account.createdAt))
            return account
        }
    }

    /// A signed-in account joins: only one that acts for no company, with the invited address.
    private func join(_ invitation: TeamRecords.Invitation, actor: Actor, token: String, _ context: RequestContext) async throws -> Account {
        try await database.transaction(context, idempotent: try MessageCodec.encode(["token": token, "account": actor.accountID.uuidString])) { transaction in
            let current = try await AccountRecords.require(actor.accountID, on: transaction.connection, logger: context.logger)
            guard current.company == nil, !current.roles.contains(where: Role.staff.contains) else {
                throw Problem(status: 409, code: .alreadyInCompany, title: "This account already acts for a company, or is staff",
                              detail: "a person belongs to one company; leave it first, or register with the invited address")
            }
            guard current.email.lowercased() == invitation.email.lowercased() else {
                throw Problem(status: 403, code: .invitationForAnotherAddress, title: "The invitation is for another address",
                              detail: "sign in with the address the invitation was mailed to")
            }
            _ = try await TeamRecords.redeem(token, on: transaction)
            try await transaction.query("""
                UPDATE accounts a SET company_id = c.id, company_role = \(invitation.role.rawValue), joined_at = now(), updated_at = now(),
                    email_verified_at = coalesce(a.email_verified_at, now()),
                    roles = array_append(a.roles, CASE WHEN c.business_type = 'supplier' THEN 'supplier' ELSE 'purchaser' END)
                FROM companies c WHERE c.id = \(invitation.companyID) AND a.id = \(actor.accountID)
                """)
            let account = try await AccountRecords.require(actor.accountID, on: transaction.connection, logger: context.logger)
            guard let card = account.card, let role = account.companyRole else { throw Problem.internalError("the company is gone") }
            // Gateways drop the sessions they cached: the next request acts for the company.
            try await transaction.emit(AccountRolesChanged(accountID: account.id, roles: account.roles, changedBy: actor.accountID,
                                                           changedAt: account.updatedAt))
            try await transaction.emit(CompanyMemberJoined(accountID: account.id, company: card, role: role, joinedAt: account.updatedAt))
            return account
        }
    }

    /// `accounts.remove-company-member.v1`: an admin removes a colleague, or a person leaves. They
    /// stay a user of the platform (their data rights go on), acting for no company: their business
    /// role and every session end, so access to the company's data ends at once everywhere.
    @Sendable func removeCompanyMember(_ request: RemoveCompanyMember, _ context: RequestContext) async throws -> NoContent {
        let actor = try context.caller()
        return try await database.transaction(context, idempotent: try MessageCodec.encode(request)) { transaction in
            let team = try await TeamRecords.lockTeam(of: actor.accountID, on: transaction)
            guard let target = team.members[request.accountID] else { throw Problem.notFound("no member of your company has id \(request.accountID)") }
            if request.accountID != actor.accountID, team.callerRole != .admin { throw Problem.notCompanyAdmin }
            if team.members.count == 1 {
                throw Problem(status: 409, code: .lastCompanyAdmin, title: "A company keeps at least one member",
                              detail: "the last member cannot leave; cancel the account instead, which closes the company")
            }
            if target == .admin, team.admins == 1 { throw Problem.lastCompanyAdmin }
            try await transaction.query("""
                UPDATE accounts SET company_id = NULL, company_role = NULL, joined_at = NULL, updated_at = now(),
                    roles = array_remove(array_remove(roles, 'supplier'), 'purchaser')
                WHERE id = \(request.accountID)
                """)
            let ended = try await transaction.query("""
                UPDATE sessions SET revoked_at = now(), revoked_reason = 'removed-from-company'
                WHERE account_id = \(request.accountID) AND revoked_at IS NULL RETURNING id, revoked_at
                """)
            for try await (sessionID, revokedAt) in ended.decode((UUID, Date).self) {
                try await transaction.emit(SessionRevoked(
                    accountID: request.accountID, sessionID: sessionID, reason: .removedFromCompany, revokedAt: revokedAt))
            }
            try await transaction.emit(CompanyMemberRemoved(
                accountID: request.accountID, companyID: team.companyID, removedBy: actor.accountID, removedAt: Date()))
            return NoContent()
        }
    }

    /// `accounts.set-company-role.v1`: an admin makes a colleague admin or member; the company's
    /// last admin stays one.
    @Sendable func setCompanyRole(_ request: SetCompanyRole, _ context: RequestContext) async throws -> CompanyMember {
        let actor = try context.caller()
        var checks = FieldChecks()
        let role = checks.oneOf("role", request.role, as: CompanyRole.self)
        try checks.finish()
        guard let role else { throw Problem.internalError("validation let a missing field through") }
        return try await database.transaction(context, idempotent: try MessageCodec.encode(request)) { transaction in
            let team = try await TeamRecords.lockTeam(of: actor.accountID, on: transaction)
            guard let current = team.members[request.accountID] else { throw Problem.notFound("no member of your company has id \(request.accountID)") }
            guard team.callerRole == .admin else { throw Problem.notCompanyAdmin }
            if current == .admin, role == .member, team.admins == 1 { throw Problem.lastCompanyAdmin }
            let rows = try await transaction.query("""
                UPDATE accounts SET company_role = \(role.rawValue), updated_at = CASE WHEN company_role = \(role.rawValue) THEN updated_at ELSE now() END
                WHERE id = \(request.accountID)
                RETURNING id, contact_name, email, title, department, company_role, joined_at
                """)
            for try await row in rows.decode(TeamRecords.MemberRow.self) { return try TeamRecords.member(row) }
            throw Problem.internalError("the member vanished")
        }
    }
}

extension Problem.Code {
    static let noCompany = Problem.Code("no-company")
    static let companyOfOne = Problem.Code("company-of-one")
    static let notCompanyAdmin = Problem.Code("not-company-admin")
    static let lastCompanyAdmin = Problem.Code("last-company-admin")
    static let alreadyInCompany = Problem.Code("already-in-company")
    static let invitationForAnotherAddress = Problem.Code("invitation-for-another-address")
}

extension Problem {
    static let notCompanyAdmin = Problem(
        status: 403, code: .notCompanyAdmin, title: "Only an admin of your company may do this",
        detail: "ask one of your company's admins")
    static let lastCompanyAdmin = Problem(
        status: 409, code: .lastCompanyAdmin, title: "A company always keeps an admin",
        detail: "make another member admin first")
}
