import Contracts
import Foundation
import MessageBus
import Persistence
import ServiceRuntime

extension AccountsHandlers {
    /// `accounts.verify-email.v1`: the verification link; it proves the address it was mailed to,
    /// so it does nothing once the account's address has changed since.
    @Sendable func verifyEmail(_ request: VerifyEmail, _ context: RequestContext) async throws -> NoContent {
        try await database.transaction(context, idempotent: try MessageCodec.encode(request)) { transaction in
            guard let (accountID, email) = try await EmailTokens.redeem(request.token, .verifyEmail, on: transaction),
                  try await transaction.query("""
                      UPDATE accounts SET email_verified_at = coalesce(email_verified_at, now())
                      WHERE id = \(accountID) AND email = \(email) AND erased_at IS NULL RETURNING 1
                      """).exists
            else { throw Self.invalidLink }
            return NoContent()
        }
    }

    /// `accounts.request-email-verification.v1`: a new verification link for the caller's current
    /// address. One a minute at most, so the endpoint cannot flood anyone's inbox; none once the
    /// address is confirmed.
    @Sendable func requestEmailVerification(_ request: RequestEmailVerification, _ context: RequestContext) async throws -> NoContent {
        let actor = try context.caller()
        return try await database.transaction(context, idempotent: try MessageCodec.encode(["account": actor.accountID.uuidString])) {
            transaction in
            let account = try await AccountRecords.require(actor.accountID, on: transaction.connection, logger: context.logger)
            if account.emailVerified {
                throw Problem(status: 409, code: .emailAlreadyVerified, title: "The email is already confirmed",
                              detail: "\(account.email) is confirmed; there is nothing to send")
            }
            let waitRows = try await transaction.query("""
                SELECT ceil(extract(epoch FROM expires_at - \(EmailTokens.Purpose.verifyEmail.lifetime - Self.verificationMailInterval) * interval '1 second' - now()))::int8
                FROM email_tokens WHERE account_id = \(actor.accountID) AND purpose = 'verify-email'
                """)
            for try await wait in waitRows.decode(Int64.self) where wait > 0 {
                throw Problem(status: 429, code: .verificationMailTooSoon, title: "A link was sent moments ago",
                              detail: "check the inbox of \(account.email) (and its spam folder); a new link can be sent in \(wait) seconds",
                              retryAfterSeconds: Int(wait))
            }
            try await EmailTokens.requestVerification(of: account, on: transaction)
            return NoContent()
        }
    }

    /// The least time between two verification mails to one account.
    static let verificationMailInterval: TimeInterval = 60

    /// `accounts.request-password-reset.v1`: mails a reset link to a known address, and answers
    /// the same, in about the same time, for one nobody uses.
    @Sendable func requestPasswordReset(_ request: RequestPasswordReset, _ context: RequestContext) async throws -> NoContent {
        var checks = FieldChecks()
        let email = checks.email("email", request.email)
        try checks.finish()
        guard let email else { return NoContent() }
        // A retry with the same Idempotency-Key mails nothing twice.
        return try await database.transaction(context, idempotent: try MessageCodec.encode(request)) { transaction in
            for try await (accountID, address, name, language) in try await transaction.query("""
                SELECT id, email, contact_name, language FROM accounts WHERE lower(email) = lower(\(email)) AND erased_at IS NULL
                """).decode((UUID, String, String, String).self) {
                let link = try await EmailTokens.issue(
                    .resetPassword, accountID: accountID, email: address, contactName: name, language: Language(rawValue: language) ?? .en,
                    on: transaction)
                try await transaction.emit(PasswordResetRequested(link: link))
            }
            return NoContent()
        }
    }

    /// `accounts.reset-password.v1`: a live reset link sets a new password, ends every session and
    /// lifts a sign-in lockout; the link also proves the address it was mailed to.
    @Sendable func resetPassword(_ request: ResetPassword, _ context: RequestContext) async throws -> NoContent {
        guard SecretToken.isWellFormed(request.token) else { throw Self.invalidLink }
        // The new password stays out of the fingerprint, whose hash is stored; a retry of a reset
        // that went through finds its link used up and gets the first reply instead of a 404.
        let fingerprint = try MessageCodec.encode(["token": request.token])
        if let earlier = try await IdempotencyKeys.earlierReply(to: context, fingerprint: fingerprint, database: database, as: NoContent.self) {
            return earlier
        }
        let holder = try await database.withConnection { connection in
            try await connection.query("""
                SELECT a.email FROM email_tokens t JOIN accounts a ON a.id = t.account_id
                WHERE t.token_hash = \(SecretToken.hash(request.token)) AND t.purpose = 'reset-password' AND t.expires_at > now()
                """, logger: context.logger).decode(String.self).first { _ in true }
        }
        guard let email = holder else { throw Self.invalidLink }
        var checks = FieldChecks()
        checkNewPassword(request.newPassword, email: email, field: "newPassword", into: &checks)
        try checks.finish()
        guard let newPassword = request.newPassword else { return NoContent() }
        let newHash = try await hasher.hash(newPassword)
        return try await database.transaction(context, idempotent: fingerprint) { transaction in
            // Redeemed here, not above: of two uses of one link, only one changes the password.
            guard let (accountID, mailedTo) = try await EmailTokens.redeem(request.token, .resetPassword, on: transaction) else {
                throw Self.invalidLink
            }
            try await transaction.query("""
                UPDATE accounts SET password_hash = \(newHash), password_changed_at = now(), updated_at = now(),
                    failed_logins = 0, locked_until = NULL,
                    email_verified_at = CASE WHEN email = \(mailedTo) THEN coalesce(email_verified_at, now()) ELSE email_verified_at END
                WHERE id = \(accountID)
                """)
            try await passwordChanged(of: accountID, keeping: nil, on: transaction)
            return NoContent()
        }
    }

    static let invalidLink = Problem.notFound("this link is unknown, used or expired; ask for a new one")
}
