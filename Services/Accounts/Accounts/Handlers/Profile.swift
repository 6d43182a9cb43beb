import Contracts
import Foundation
import MessageBus
import Persistence
import PostgresNIO
import ServiceRuntime

extension AccountsHandlers {
    /// `accounts.get-me.v1`: the user center.
    @Sendable func getMe(_: GetMe, _ context: RequestContext) async throws -> Account {
        let actor = try context.caller()
        return try await database.withConnection { connection in
            try await AccountRecords.require(actor.accountID, on: connection, logger: context.logger)
        }
    }

    /// `accounts.update-me.v1`: correct one's own profile and company. A new email needs the password.
    @Sendable func updateMe(_ request: UpdateMe, _ context: RequestContext) async throws -> Account {
        let actor = try context.caller()
        var checks = FieldChecks()
        let email = request.email == nil ? nil : checks.email("email", request.email)
        let companyName = request.companyName == nil ? nil : checks.required("companyName", request.companyName)
        let industry = request.industry == nil ? nil : checks.required("industry", request.industry, maxLength: 100)
        let country = request.country == nil ? nil : checks.country("country", request.country)
        let contactName = request.contactName == nil ? nil : checks.required("contactName", request.contactName, maxLength: 100)
        let title = checks.optional("title", request.title, maxLength: 100)
        let department = checks.optional("department", request.department, maxLength: 100)
        let telephone = request.telephone == nil ? nil : checks.telephone("telephone", request.telephone)
        let language = request.language == nil ? nil : checks.oneOf("language", request.language, as: Language.self)
        try checks.finish()

        let current = try await database.withConnection { connection in
            try await AccountRecords.require(actor.accountID, on: connection, logger: context.logger)
        }
        try context.requireIfMatch(current)
        // The email is how the account signs in: sending one at all needs the password.
        if let email {
            guard let password = request.currentPassword, !password.isEmpty else {
                throw Problem.validationFailed([.init(field: "currentPassword", message: "is required with email")])
            }
            try await requirePassword(password, of: actor, logger: context.logger)
            if try await emailTaken(email, except: actor.accountID) { throw Problem.emailTaken }
        }
        let companyFields = companyName != nil || industry != nil || country != nil
        if current.company == nil, companyFields {
            throw Problem(status: 409, code: .staffWithoutCompany, title: "Staff accounts belong to no company",
                          detail: "companyName, industry and country cannot be set on an account that acts for no company")
        }
        // The company's card is the company's: its admins keep it.
        if companyFields, current.companyRole != .admin { throw Problem.notCompanyAdmin }

        var changed: [String] = []
        func note<Value: Equatable>(_ field: String, _ new: Value?, _ old: Value?) { if let new, new != old { changed.append(field) } }
        note("email", email, current.email)
        note("companyName", companyName, current.company?.name)
        note("industry", industry, current.company?.industry)
        note("country", country, current.company?.country)
        note("contactName", contactName, current.contactName)
        note("title", title, current.title ?? "")
        note("department", department, current.department ?? "")
        note("telephone", telephone, current.telephone)
        note("language", language, current.language)
        guard !changed.isEmpty else { return current }

        var fingerprint = request
        fingerprint.currentPassword = nil
        // A new address is unverified until the link mailed to it is used.
        let emailChanges = changed.contains("email")
        return try await database.transaction(context, idempotent: try MessageCodec.encode(fingerprint)) { transaction in
            if context.message.ifMatch != nil {
                // Compared again with the account and its company locked: an edit that committed since the
                // read above must not be overwritten either.
                try await transaction.query("SELECT 1 FROM accounts WHERE id = \(actor.accountID) FOR UPDATE")
                try await transaction.query("""
                    SELECT 1 FROM companies WHERE id = (SELECT company_id FROM accounts WHERE id = \(actor.accountID)) FOR UPDATE
                    """)
                try context.requireIfMatch(try await AccountRecords.require(actor.accountID, on: transaction.connection, logger: context.logger))
            }
            if let company = current.company, companyFields {
                // The account before its company, as the If-Match check above takes them: two edits
                // never wait for each other's lock.
                if context.message.ifMatch == nil {
                    try await transaction.query("SELECT 1 FROM accounts WHERE id = \(actor.accountID) FOR UPDATE")
                }
                // A verified company that changes its legal identity is reviewed again; until staff
                // decide, what it published stays listed under the earlier verification.
                let identityChanged = changed.contains("companyName") || changed.contains("country")
                try await transaction.query("""
                    UPDATE companies SET name = coalesce(\(companyName)::text, name), industry = coalesce(\(industry)::text, industry),
                        country = coalesce(\(country)::text, country), updated_at = now(),
                        verification_status = CASE WHEN \(identityChanged) AND verification_status = 'approved' THEN 'pending'
                                                   ELSE verification_status END
                    WHERE id = \(company.id)
                    """)
            }
            let account: Account
            do {
                let update = ProfileUpdate(
                    accountID: actor.accountID, email: email, contactName: contactName, title: title, department: department,
                    telephone: telephone, language: language?.rawValue, emailChanges: emailChanges)
                var updated: Account?
                for try await row in try await transaction.execute(update) { updated = AccountRecords.decode(row).account }
                guard let updated else { throw Problem.notFound("no account with id \(actor.accountID)") }
                account = updated
            } catch where error.sqlState == "23505" {
                throw Problem.emailTaken
            }
            try await transaction.emit(AccountProfileChanged(
                accountID: actor.accountID, changedFields: changed, email: account.email, contactName: account.contactName,
                company: account.card, changedAt: account.updatedAt, language: account.language))
            if emailChanges { try await EmailTokens.requestVerification(of: account, on: transaction) }
            return account
        }
    }

    /// `accounts.change-password.v1`: needs the current password; ends every other session.
    @Sendable func changePassword(_ request: ChangePassword, _ context: RequestContext) async throws -> NoContent {
        let actor = try context.caller()
        var checks = FieldChecks()
        if (request.currentPassword ?? "").isEmpty { checks.fail("currentPassword", "is required") }
        let email = try await database.withConnection { connection in
            try await AccountRecords.require(actor.accountID, on: connection, logger: context.logger).email
        }
        checkNewPassword(request.newPassword, email: email, field: "newPassword", into: &checks)
        if let new = request.newPassword, new == request.currentPassword {
            checks.fail("newPassword", "must differ from the current password")
        }
        try checks.finish()
        guard let currentPassword = request.currentPassword, let newPassword = request.newPassword else { return NoContent() }
        // A retry of a change that went through no longer knows the current password: it gets the
        // first reply instead of a 403.
        let fingerprint = try MessageCodec.encode(["account": actor.accountID.uuidString])
        if let earlier = try await IdempotencyKeys.earlierReply(to: context, fingerprint: fingerprint, database: database, as: NoContent.self) {
            return earlier
        }
        try await requirePassword(currentPassword, of: actor, logger: context.logger)
        let newHash = try await hasher.hash(newPassword)
        _ = try await database.transaction(context, idempotent: fingerprint) { transaction in
            try await transaction.query("""
                UPDATE accounts SET password_hash = \(newHash), password_changed_at = now(), updated_at = now()
                WHERE id = \(actor.accountID)
                """)
            try await passwordChanged(of: actor.accountID, keeping: actor.sessionID, on: transaction)
            return NoContent()
        }
        return NoContent()
    }

    /// After a new password: every session but `kept` ends, and the change is announced.
    func passwordChanged(of accountID: UUID, keeping kept: UUID?, on transaction: Transaction) async throws {
        let rows = try await transaction.query("""
            UPDATE sessions SET revoked_at = now(), revoked_reason = 'password-changed'
            WHERE account_id = \(accountID) AND revoked_at IS NULL AND id IS DISTINCT FROM \(kept)
            RETURNING id, revoked_at
            """)
        var ended: [(UUID, Date)] = []
        for try await row in rows.decode((UUID, Date).self) { ended.append(row) }
        for (sessionID, revokedAt) in ended {
            try await transaction.emit(SessionRevoked(accountID: accountID, sessionID: sessionID, reason: .passwordChanged, revokedAt: revokedAt))
        }
        try await transaction.emit(PasswordChanged(accountID: accountID, endedSessions: ended.count, changedAt: Date()))
    }

    /// `accounts.verify-password.v1`: the caller's password, confirmed for another service.
    @Sendable func verifyPassword(_ request: VerifyPassword, _ context: RequestContext) async throws -> NoContent {
        let actor = try context.caller()
        let field = request.field.printable(maxLength: 64)
        guard let password = request.password, !password.isEmpty, password.count <= PasswordPolicy.maximumLength else {
            throw Problem.wrongPassword(field: field)
        }
        try await requirePassword(password, of: actor, field: field, logger: context.logger)
        return NoContent()
    }

    /// `accounts.get-company.v1`: a company's public card; no personal data.
    @Sendable func getCompany(_ request: GetCompany, _ context: RequestContext) async throws -> CompanyCard {
        let rows = try await database.client.query("""
            SELECT c.id, c.name, c.business_type, c.industry, c.country, c.verification_status, c.verified_until IS NOT NULL
            FROM companies c WHERE c.id = \(request.companyID)
            """, logger: context.logger)
        for try await (id, name, type, industry, country, status, approvalHolds) in rows.decode((UUID, String, String, String, String, String, Bool).self) {
            guard let businessType = BusinessType(rawValue: type) else { break }
            let standing = VerificationStanding(status: VerificationStatus(rawValue: status) ?? .pending, approvalHolds: approvalHolds)
            return CompanyCard(id: id, name: name, businessType: businessType, industry: industry, country: country, verified: standing.verified,
                               underReview: standing.underReview)
        }
        throw Problem.notFound("no company with id \(request.companyID)")
    }
}

extension Account {
    /// The public card of the account's company, if it has one.
    var card: CompanyCard? {
        let standing = VerificationStanding(status: verificationStatus, approvalHolds: verifiedUntil != nil)
        return company.map {
            CompanyCard(id: $0.id, name: $0.name, businessType: $0.businessType, industry: $0.industry, country: $0.country,
                        verified: standing.verified, underReview: standing.underReview)
        }
    }
}

/// What the public sees of a company's verification: approved, or reviewed again after a change
/// of name or country while the earlier approval still holds (shown as verified, under review).
struct VerificationStanding {
    let status: VerificationStatus
    /// The company has an approval that has not run out (`verified_until` is set).
    let approvalHolds: Bool

    var underReview: Bool { status == .pending && approvalHolds }
    var verified: Bool { status == .approved || underReview }
}
