import Contracts
import Foundation
import Logging
import MessageBus
import Persistence
import PostgresNIO
import ServiceRuntime

/// What every accounts request handler works with. The handlers themselves are split by topic
/// (registration, sessions, profile, administration, company teams) in extensions of this type.
struct AccountsHandlers: Sendable {
    let database: Database
    let hasher: PasswordHasher
    let policy: PasswordPolicy
    let settings: AccountsSettings
    let decoy: DecoyHash

    init(database: Database, hasher: PasswordHasher, policy: PasswordPolicy, settings: AccountsSettings) {
        self.database = database
        self.hasher = hasher
        self.policy = policy
        self.settings = settings
        self.decoy = DecoyHash(hasher: hasher)
    }

    /// Registers every request of the accounts service.
    func register(into handlers: inout RPCHandlers) {
        handlers.register(RegisterAccount.self, registerAccount)
        handlers.register(CreateSession.self, createSession)
        handlers.register(AuthenticateSession.self, authenticateSession)
        handlers.register(EndSession.self, endSession)
        handlers.register(ListSessions.self, listSessions)
        handlers.register(ListLogins.self, listLogins)
        handlers.register(GetMe.self, getMe)
        handlers.register(UpdateMe.self, updateMe)
        handlers.register(RequestEmailVerification.self, requestEmailVerification)
        handlers.register(ChangePassword.self, changePassword)
        handlers.register(GetCompany.self, getCompany)
        handlers.register(ListAccounts.self, listAccounts)
        handlers.register(DecideVerification.self, decideVerification)
        handlers.register(SetStaffRoles.self, setStaffRoles)
        handlers.register(IssueLiveTicket.self, issueLiveTicket)
        handlers.register(RedeemLiveTicket.self, redeemLiveTicket)
        handlers.register(VerifyEmail.self, verifyEmail)
        handlers.register(RequestPasswordReset.self, requestPasswordReset)
        handlers.register(ResetPassword.self, resetPassword)
        handlers.register(ListCompanyMembers.self, listCompanyMembers)
        handlers.register(InviteColleague.self, inviteColleague)
        handlers.register(AcceptInvitation.self, acceptInvitation)
        handlers.register(RemoveCompanyMember.self, removeCompanyMember)
        handlers.register(SetCompanyRole.self, setCompanyRole)
        handlers.register(VerifyPassword.self, verifyPassword)
        handlers.register(FindAccount.self, findAccount)
        handlers.register(FindUnknownAccounts.self, findUnknownAccounts)
    }
}

/// A hash of a random password with today's parameters: verified against when an email is
/// unknown, so an unknown email costs as much time as a wrong password.
final class DecoyHash: Sendable {
    private let hasher: PasswordHasher
    private let value: Task<String, any Error>

    init(hasher: PasswordHasher) {
        self.hasher = hasher
        value = Task { try await hasher.hash(SecretToken.generate()) }
    }

    /// Spends the time of one verification, and always fails.
    func verify(_ password: String) async throws {
        _ = try await hasher.verify(password, against: value.value)
    }
}

extension Problem.Code {
    static let emailTaken = Problem.Code("email-taken")
    static let invalidCredentials = Problem.Code("invalid-credentials")
    static let accountLocked = Problem.Code("account-locked")
    static let wrongPassword = Problem.Code("wrong-password")
    static let processingRestricted = Problem.Code("processing-restricted")
    static let ownAdminRole = Problem.Code("own-admin-role")
    static let staffWithoutCompany = Problem.Code("staff-without-company")
    static let emailAlreadyVerified = Problem.Code("email-already-verified")
    static let verificationMailTooSoon = Problem.Code("verification-mail-too-soon")
}

extension Problem {
    static let emailTaken = Problem(
        status: 409, code: .emailTaken, title: "This email is already registered",
        detail: "sign in, or reset the password of that account")
    static let invalidCredentials = Problem(
        status: 401, code: .invalidCredentials, title: "The email or the password is wrong")

    static func accountLocked(until: Date) -> Problem {
        Problem(status: 423, code: .accountLocked, title: "Too many wrong passwords: wait before trying again",
                detail: "try again after \(until.formatted(.iso8601))")
    }

    /// The password that confirms a sensitive change is wrong: refused (403), naming the field.
    static func wrongPassword(field: String) -> Problem {
        Problem(status: 403, code: .wrongPassword, title: "The current password is wrong",
                detail: "\(field): does not match the account's password",
                errors: [.init(field: field, message: "does not match the account's password")])
    }
}
