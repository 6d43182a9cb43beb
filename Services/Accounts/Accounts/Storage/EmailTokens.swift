import Contracts
import Foundation
import Persistence
import ServiceRuntime

/// The single-use tokens of mailed links: 256 random bits, of which only the SHA-256 is stored;
/// the raw token leaves in a `carriesSecret` event (deleted from the outbox once published) and
/// lives on only in the mail. Each new token replaces the account's older one of its purpose.
enum EmailTokens {
    enum Purpose: String {
        case verifyEmail = "verify-email"
        case resetPassword = "reset-password"

        var lifetime: TimeInterval {
            switch self {
            case .verifyEmail: 48 * 3600
            case .resetPassword: 30 * 60
            }
        }
    }

    /// A token for `email`, replacing the account's earlier one of `purpose`; the link for the mail.
    static func issue(
        _ purpose: Purpose, accountID: UUID, email: String, contactName: String, language: Language, on transaction: Transaction
    ) async throws -> EmailLink {
        let token = SecretToken.generate()
        let expiresAt = Date(timeIntervalSinceNow: purpose.lifetime)
        try await transaction.query("DELETE FROM email_tokens WHERE account_id = \(accountID) AND purpose = \(purpose.rawValue)")
        try await transaction.query("""
            INSERT INTO email_tokens (token_hash, account_id, purpose, email, expires_at)
            VALUES (\(SecretToken.hash(token)), \(accountID), \(purpose.rawValue), \(email), \(expiresAt))
            """)
        return EmailLink(accountID: accountID, email: email, contactName: contactName, token: token, expiresAt: expiresAt, language: language)
    }

    /// Registration or a new address: the owner must confirm it with the mailed link.
    static func requestVerification(of account: Account, on transaction: Transaction) async throws {
        let link = try await issue(
            .verifyEmail, accountID: account.id, email: account.email, contactName: account.contactName, language: account.language, on: transaction)
        try await transaction.emit(EmailVerificationRequested(link: link))
    }

    /// Uses up `token` if it is a live one of `purpose`: its account and the address it was mailed to.
    static func redeem(_ token: String, _ purpose: Purpose, on transaction: Transaction) async throws -> (accountID: UUID, email: String)? {
        guard SecretToken.isWellFormed(token) else { return nil }
        let rows = try await transaction.query("""
            DELETE FROM email_tokens WHERE token_hash = \(SecretToken.hash(token)) AND purpose = \(purpose.rawValue)
            RETURNING account_id, email, expires_at > now()
            """)
        for try await (accountID, email, live) in rows.decode((UUID, String, Bool).self) where live { return (accountID, email) }
        return nil
    }
}
