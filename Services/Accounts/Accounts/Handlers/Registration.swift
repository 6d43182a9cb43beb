import Contracts
import Foundation
import MessageBus
import Persistence
import PostgresNIO
import ServiceRuntime

extension AccountsHandlers {
    /// `accounts.register.v1`: a company and its first user, its admin, pending verification.
    @Sendable func registerAccount(_ request: RegisterAccount, _ context: RequestContext) async throws -> Account {
        var checks = FieldChecks()
        let email = checks.email("email", request.email)
        let companyName = checks.required("companyName", request.companyName)
        let businessType = checks.oneOf("businessType", request.businessType, as: BusinessType.self)
        let industry = checks.required("industry", request.industry, maxLength: 100)
        let country = checks.country("country", request.country)
        let contactName = checks.required("contactName", request.contactName, maxLength: 100)
        let title = checks.optional("title", request.title, maxLength: 100)
        let department = checks.optional("department", request.department, maxLength: 100)
        let telephone = checks.telephone("telephone", request.telephone)
        let language = request.language == nil ? Language.en : checks.oneOf("language", request.language, as: Language.self)
        checkNewPassword(request.password, email: email ?? request.email, field: "password", into: &checks)
        try checks.finish()
        guard let email, let companyName, let businessType, let industry, let country, let contactName, let telephone, let language,
              let password = request.password
        else { throw Problem.internalError("validation let a missing field through") }

        // A taken email is answered before paying for a hash (the unique index settles races), unless
        // this may be the retry of a registration that took it.
        if context.message.idempotencyKey == nil, try await emailTaken(email) { throw Problem.emailTaken }
        let passwordHash = try await hasher.hash(password)
        let accountID = UUID()
        let companyID = UUID()
        let role: Role = businessType == .supplier ? .supplier : .purchaser
        var fingerprint = request
        fingerprint.password = nil
        let account = try await database.transaction(context, idempotent: try MessageCodec.encode(fingerprint)) { transaction in
            do {
                try await transaction.query("""
                    INSERT INTO companies (id, name, business_type, industry, country)
                    VALUES (\(companyID), \(companyName), \(businessType.rawValue), \(industry), \(country))
                    """)
                try await transaction.query("""
                    INSERT INTO accounts (id, company_id, company_role, joined_at, email, password_hash, contact_name, title, department,
                                          telephone, roles, language)
                    VALUES (\(accountID), \(companyID), 'admin', now(), \(email), \(passwordHash), \(contactName), \(title.nonEmpty),
                            \(department.nonEmpty), \(telephone), \([role.rawValue]), \(language.rawValue))
                    """)
            } catch where error.sqlState == "23505" {
                throw Problem.emailTaken
            }
            let account = try await AccountRecords.require(accountID, on: transaction.connection, logger: context.logger)
            try await transaction.emit(AccountRegistered(
                accountID: accountID, email: email, contactName: contactName,
                company: CompanyCard(id: companyID, name: companyName, businessType: businessType, industry: industry,
                                     country: country, verified: false),
                roles: account.roles, registeredAt: account.createdAt, language: account.language))
            try await EmailTokens.requestVerification(of: account, on: transaction)
            return account
        }
        return account
    }

    /// Whether an account already uses `email`, ignoring case.
    func emailTaken(_ email: String, except accountID: UUID? = nil) async throws -> Bool {
        let rows = try await database.client.query(
            "SELECT 1 FROM accounts WHERE lower(email) = lower(\(email)) AND id IS DISTINCT FROM \(accountID)")
        for try await _ in rows { return true }
        return false
    }

    /// Adds the policy's objection to a new password, if it has one.
    func checkNewPassword(_ password: String?, email: String?, field: String, into checks: inout FieldChecks) {
        guard let password, !password.isEmpty else {
            checks.fail(field, "is required")
            return
        }
        if let problem = policy.problem(with: password, email: email) { checks.fail(field, problem) }
    }
}
