import Contracts
import Foundation
import Logging
import MessageBus
import Persistence
import ServiceRuntime

/// Creates the platform's first admin from the environment, once: while no admin exists, a start
/// with `EXPO_BOOTSTRAP_ADMIN_EMAIL` and `EXPO_BOOTSTRAP_ADMIN_PASSWORD_FILE` creates that staff
/// account (verified, role admin). There is never a default password: without the variables no
/// admin is created, and the password must pass the same policy as everyone's.
public enum AdminBootstrap {
    public struct Request: Sendable {
        public var email: String
        public var password: String
        public var contactName: String

        public init(email: String, password: String, contactName: String) {
            self.email = email
            self.password = password
            self.contactName = contactName
        }

        /// The request the environment makes, or nil when it makes none.
        init?(environment env: Environment) throws {
            guard let email = env["EXPO_BOOTSTRAP_ADMIN_EMAIL"] else { return nil }
            guard let path = env["EXPO_BOOTSTRAP_ADMIN_PASSWORD_FILE"] else {
                throw ConfigurationError("EXPO_BOOTSTRAP_ADMIN_PASSWORD_FILE", "is required with EXPO_BOOTSTRAP_ADMIN_EMAIL: a file holding the first admin's password")
            }
            let contents: String
            do { contents = try String(contentsOfFile: path, encoding: .utf8) } catch {
                throw ConfigurationError("EXPO_BOOTSTRAP_ADMIN_PASSWORD_FILE", "cannot read \(path): \(error.localizedDescription)")
            }
            self.init(email: email, password: contents.trimmingCharacters(in: .newlines),
                      contactName: env["EXPO_BOOTSTRAP_ADMIN_NAME"] ?? "Platform administrator")
        }
    }

    /// Creates the admin unless one exists; true if it did. Several replicas may race: an advisory
    /// lock lets one of them do it.
    @discardableResult
    static func run(_ request: Request, handlers: AccountsHandlers, logger: Logger) async throws -> Bool {
        var checks = FieldChecks()
        let email = checks.email("EXPO_BOOTSTRAP_ADMIN_EMAIL", request.email)
        let contactName = checks.required("EXPO_BOOTSTRAP_ADMIN_NAME", request.contactName, maxLength: 100)
        handlers.checkNewPassword(request.password, email: request.email, field: "EXPO_BOOTSTRAP_ADMIN_PASSWORD_FILE", into: &checks)
        guard checks.errors.isEmpty, let email, let contactName else {
            let error = checks.errors.first ?? .init(field: "EXPO_BOOTSTRAP_ADMIN_EMAIL", message: "is invalid")
            throw ConfigurationError(error.field, "the first admin's \(error.message)")
        }
        let passwordHash = try await handlers.hasher.hash(request.password)
        let accountID = UUID()
        let created = try await handlers.database.transaction(context: MessageContext(), logger: logger) { transaction in
            try await transaction.query("SELECT pg_advisory_xact_lock(hashtext('accounts.bootstrap-admin'))")
            for try await _ in try await transaction.query("SELECT 1 FROM accounts WHERE 'admin' = ANY (roles)") {
                return false
            }
            do {
                try await transaction.query("""
                    INSERT INTO accounts (id, email, password_hash, contact_name, roles)
                    VALUES (\(accountID), \(email), \(passwordHash), \(contactName), \([Role.admin.rawValue]))
                    """)
            } catch where error.sqlState == "23505" {
                throw ConfigurationError("EXPO_BOOTSTRAP_ADMIN_EMAIL", "\(email) belongs to an existing account; choose a new address for the first admin")
            }
            let event = AccountRegistered(accountID: accountID, email: email, contactName: contactName, company: nil,
                                          roles: [.admin], registeredAt: Date(), language: .en)
            try await transaction.emit(event)
            return true
        }
        if created {
            logger.notice("first admin created; remove the bootstrap password file", metadata: ["accountID": "\(accountID)"])
        } else {
            logger.info("an admin exists; the admin bootstrap settings are ignored")
        }
        return created
    }
}
