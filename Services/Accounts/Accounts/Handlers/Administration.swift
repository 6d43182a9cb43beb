import Contracts
import Foundation
import MessageBus
import Persistence
import PostgresNIO
import ServiceRuntime

extension AccountsHandlers {
    /// `accounts.list-accounts.v1`: admins review accounts, oldest first, optionally by verification
    /// status; erased accounts and those whose processing is restricted are not shown.
    @Sendable func listAccounts(_ request: ListAccounts, _ context: RequestContext) async throws -> Page<Account> {
        var checks = FieldChecks()
        let status = request.verificationStatus == nil ? nil
            : checks.oneOf("verificationStatus", request.verificationStatus, as: VerificationStatus.self)
        try checks.finish()
        let (limit, after) = try Cursor.read(request.page, newestFirst: false)
        let rows = try await database.client.query("""
            \(unescaped: AccountRecords.select)
            WHERE (\(status?.rawValue)::text IS NULL OR c.verification_status = \(status?.rawValue)::text)
              AND a.erased_at IS NULL
              AND NOT EXISTS (SELECT 1 FROM processing_restrictions r WHERE r.account_id = a.id)
              AND (floor(extract(epoch FROM a.created_at) * 1000000)::int8, a.id::text) > (\(after.position), \(after.id))
            ORDER BY 20, a.id::text LIMIT \(limit + 1)
            """, logger: context.logger)
        var items: [(Account, Cursor)] = []
        for try await row in rows.decode(AccountRecords.Row.self) {
            let (account, position) = AccountRecords.decode(row)
            items.append((account, Cursor(position: position, id: account.id.uuidString.lowercased())))
        }
        return Cursor.page(items, limit: limit)
    }

    /// `accounts.find-account.v1`: the subject of a request staff entered. A restricted account is
    /// found too: its person may be asking to lift the restriction.
    @Sendable func findAccount(_ request: FindAccount, _ context: RequestContext) async throws -> FoundAccount {
        var checks = FieldChecks()
        let email = checks.email("email", request.email)
        try checks.finish()
        let rows = try await database.client.query("""
            SELECT id FROM accounts WHERE lower(email) = lower(\(email)) AND erased_at IS NULL
            """, logger: context.logger)
        guard let id = try await rows.decode(UUID.self).first(where: { _ in true }) else {
            throw Problem.notFound("no account is registered with this address")
        }
        return FoundAccount(accountID: id)
    }

    /// `accounts.find-unknown-accounts.v1`: which of the ids staff named as affected by an incident
    /// name no account, or an erased one, in the order given.
    @Sendable func findUnknownAccounts(_ request: FindUnknownAccounts, _ context: RequestContext) async throws -> UnknownAccounts {
        let rows = try await database.client.query("""
            SELECT given.id FROM unnest(\(request.accountIDs)::uuid[]) WITH ORDINALITY AS given(id, position)
            WHERE NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id = given.id AND a.erased_at IS NULL)
            ORDER BY given.position
            """, logger: context.logger)
        var unknown: [UUID] = []
        for try await id in rows.decode(UUID.self) { unknown.append(id) }
        return UnknownAccounts(accountIDs: unknown)
    }

    /// `accounts.decide-verification.v1`: approve (for the configured period) or reject the company of
    /// an account, for all of its members; every decision is kept with who made it and when, and
    /// announced.
    @Sendable func decideVerification(_ request: DecideVerification, _ context: RequestContext) async throws -> Account {
        let actor = try context.caller()
        var checks = FieldChecks()
        let decision = checks.oneOf("decision", request.decision, as: VerificationDecision.self)
        let reason = checks.optional("reason", request.reason, maxLength: 2000)
        if decision == .reject, (reason ?? "").isEmpty { checks.fail("reason", "is required to reject") }
        try checks.finish()
        guard let decision else { throw Problem.internalError("validation let a missing field through") }
        let fingerprint = try MessageCodec.encode(request)
        let account = try await database.transaction(context, idempotent: fingerprint) { transaction in
            // While its owner contests the data, staff decide nothing on it.
            if try await PersonalDataRegister.restriction(of: request.accountID, on: transaction).restricted {
                throw Problem(status: 409, code: .processingRestricted, title: "Processing of this account is restricted",
                              detail: "its owner asked for restriction; no decision can be made until it is lifted")
            }
            let rows = try await transaction.query("""
                UPDATE companies c SET verification_status = \(decision.status.rawValue), updated_at = now(), expiry_reminded_at = NULL,
                    verified_until = CASE WHEN \(decision == .approve) THEN now() + make_interval(days => \(settings.verificationValidDays)::int) END
                FROM accounts a WHERE a.id = \(request.accountID) AND c.id = a.company_id RETURNING c.id
                """)
            guard let companyID = try await rows.decode(UUID.self).first(where: { _ in true }) else {
                throw Problem.notFound("no company account with id \(request.accountID)")
            }
            try await transaction.query("""
                INSERT INTO verification_decisions (account_id, company_id, decision, reason, decided_by)
                VALUES (\(request.accountID), \(companyID), \(decision.rawValue), \(reason.nonEmpty), \(actor.accountID))
                """)
            let account = try await AccountRecords.require(request.accountID, on: transaction.connection, logger: context.logger)
            guard let decisionRecord = account.verification else { throw Problem.internalError("the decision was not recorded") }
            try await transaction.emit(VerificationDecided(
                accountID: account.id, companyID: companyID, status: account.verificationStatus, record: decisionRecord))
            return account
        }
        return account
    }

    /// `accounts.set-staff-roles.v1`: admins grant or take staff roles; the business role stays.
    @Sendable func setStaffRoles(_ request: SetStaffRoles, _ context: RequestContext) async throws -> Account {
        let actor = try context.caller()
        var checks = FieldChecks()
        var staff = Set<Role>()
        if let names = request.roles {
            for name in names {
                if let role = Role(rawValue: name), Role.staff.contains(role) { staff.insert(role) } else {
                    checks.fail("roles", "'\(name.prefix(64))' is not a staff role; use admin, marketing or support")
                }
            }
        } else {
            checks.fail("roles", "is required")
        }
        try checks.finish()
        if request.accountID == actor.accountID, !staff.contains(.admin) {
            // Otherwise the last admin could lock everyone out of administration.
            throw Problem(status: 409, code: .ownAdminRole, title: "Admins cannot take the admin role from themselves",
                          detail: "ask another admin to do it")
        }
        return try await database.transaction(context, idempotent: try MessageCodec.encode(request)) { transaction in
            let current = try await AccountRecords.require(request.accountID, on: transaction.connection, logger: context.logger)
            let roles = (Set(current.roles).subtracting(Role.staff).union(staff)).sorted()
            guard roles != current.roles else { return current }
            try await transaction.query("""
                UPDATE accounts SET roles = \(roles.map(\.rawValue)), updated_at = now() WHERE id = \(request.accountID)
                """)
            let account = try await AccountRecords.require(request.accountID, on: transaction.connection, logger: context.logger)
            try await transaction.emit(AccountRolesChanged(accountID: account.id, roles: account.roles, changedBy: actor.accountID,
                                                 changedAt: account.updatedAt))
            return account
        }
    }
}
