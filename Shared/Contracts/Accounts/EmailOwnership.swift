import Foundation

// Email ownership and password recovery: accounts keeps the single-use tokens (hashed), marketing
// mails the links (its transactional path, never subject to marketing opt-outs).

/// What a mailed link needs to reach one person: the raw token goes only into the link.
public struct EmailLink: Codable, Sendable, Equatable {
    public var accountID: UUID
    public var email: String
    public var contactName: String
    public var token: String
    public var expiresAt: Date
    /// The language of the mail; optional because links written before it was added have none.
    public var language: Language?

    public init(accountID: UUID, email: String, contactName: String, token: String, expiresAt: Date, language: Language?) {
        self.language = language
        self.accountID = accountID
        self.email = email
        self.contactName = contactName
        self.token = token
        self.expiresAt = expiresAt
    }
}

/// An address must be confirmed (registration, email change): marketing mails the link.
public struct EmailVerificationRequested: EventContract {
    public static let type: MessageType = "accounts.email-verification-requested.v1"
    public static let carriesSecret = true

    public var link: EmailLink

    public init(link: EmailLink) { self.link = link }
}

/// Someone asked to reset the password of a known address: marketing mails the link to it.
public struct PasswordResetRequested: EventContract {
    public static let type: MessageType = "accounts.password-reset-requested.v1"
    public static let carriesSecret = true

    public var link: EmailLink

    public init(link: EmailLink) { self.link = link }
}

/// `POST /v1/email-verifications/{token}`: the link from the verification mail.
public struct VerifyEmail: RequestContract {
    public typealias Reply = NoContent
    public static let type: MessageType = "accounts.verify-email.v1"
    public static let access = Access.anyone

    public var token: String

    public init(token: String) { self.token = token }
}

/// `POST /v1/email-verifications`: mails the signed-in owner a new link for the account's current
/// address, replacing the earlier one (lost, expired, or mailed to a full inbox).
public struct RequestEmailVerification: RequestContract {
    public typealias Reply = NoContent
    public static let type: MessageType = "accounts.request-email-verification.v1"
    public static let access = Access.signedIn

    public init() {}
}

/// `POST /v1/password-resets`: the same answer whether or not the email is known.
public struct RequestPasswordReset: RequestContract {
    public typealias Reply = NoContent
    public static let type: MessageType = "accounts.request-password-reset.v1"
    public static let access = Access.anyone

    public var email: String?

    public init(email: String?) { self.email = email }
}

/// `POST /v1/password-resets/{token}`: sets the new password and ends every session.
public struct ResetPassword: RequestContract {
    public typealias Reply = NoContent
    public static let type: MessageType = "accounts.reset-password.v1"
    public static let access = Access.anyone

    public var token: String
    public var newPassword: String?

    public init(token: String, newPassword: String?) {
        self.token = token
        self.newPassword = newPassword
    }
}
