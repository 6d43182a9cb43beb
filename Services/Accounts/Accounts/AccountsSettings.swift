import Foundation
import ServiceRuntime

/// The accounts service's own settings (`EXPO_*` variables; the README lists them).
public struct AccountsSettings: Sendable {
    /// A session ends when unused this long (`EXPO_SESSION_IDLE_SECONDS`).
    public var sessionIdleTimeout: Duration
    /// ... and at the latest this long after sign-in (`EXPO_SESSION_LIFETIME_SECONDS`).
    public var sessionLifetime: Duration
    /// Consecutive failed logins that lock an account (`EXPO_LOCKOUT_THRESHOLD`).
    public var lockoutThreshold: Int
    /// How long a locked account stays locked (`EXPO_LOCKOUT_SECONDS`).
    public var lockoutDuration: Duration
    /// Failed sign-ins from one address, whatever the email, after which that address's sign-ins
    /// wait (`EXPO_SIGN_IN_FAILURES_PER_ADDRESS`, 0 = no limit), counted over the last
    /// `EXPO_SIGN_IN_FAILURE_WINDOW_SECONDS`. Only failures count, so a company behind one
    /// address signs in freely; every accounts replica shares the count, so do all gateways.
    public var failuresPerAddress: Int
    public var failureWindow: Duration
    /// Argon2id cost (`EXPO_ARGON2_MEMORY_KIB`, `EXPO_ARGON2_ITERATIONS`); never below OWASP's minimum.
    public var argon2: Argon2Parameters
    /// Days login records are kept for the user and for security checks (`EXPO_LOGIN_RECORD_RETENTION_DAYS`).
    public var loginRecordRetentionDays: Int
    /// The first admin, created at start-up while no admin exists (`EXPO_BOOTSTRAP_ADMIN_EMAIL`,
    /// password read from the file `EXPO_BOOTSTRAP_ADMIN_PASSWORD_FILE`, name `EXPO_BOOTSTRAP_ADMIN_NAME`).
    public var bootstrapAdmin: AdminBootstrap.Request?
    /// How long an approval of a company holds (`EXPO_VERIFICATION_VALID_DAYS`), and how long before
    /// its end the company's admins are reminded (`EXPO_VERIFICATION_REMINDER_DAYS`).
    public var verificationValidDays: Int
    public var verificationReminderDays: Int

    public init(
        sessionIdleTimeout: Duration = .seconds(3600), sessionLifetime: Duration = .seconds(12 * 3600),
        lockoutThreshold: Int = 5, lockoutDuration: Duration = .seconds(900), failuresPerAddress: Int = 50,
        failureWindow: Duration = .seconds(900), argon2: Argon2Parameters = .owaspMinimum,
        loginRecordRetentionDays: Int = 180, bootstrapAdmin: AdminBootstrap.Request? = nil, verificationValidDays: Int = 365,
        verificationReminderDays: Int = 30
    ) {
        self.sessionIdleTimeout = sessionIdleTimeout
        self.sessionLifetime = sessionLifetime
        self.lockoutThreshold = lockoutThreshold
        self.lockoutDuration = lockoutDuration
        self.failuresPerAddress = failuresPerAddress
        self.failureWindow = failureWindow
        self.argon2 = argon2
        self.loginRecordRetentionDays = loginRecordRetentionDays
        self.bootstrapAdmin = bootstrapAdmin
        self.verificationValidDays = verificationValidDays
        self.verificationReminderDays = verificationReminderDays
    }

    public init(environment env: Environment) throws {
        self.init(
            sessionIdleTimeout: .seconds(try env.integer("EXPO_SESSION_IDLE_SECONDS", default: 3600, in: 1...(30 * 86400))),
            sessionLifetime: .seconds(try env.integer("EXPO_SESSION_LIFETIME_SECONDS", default: 12 * 3600, in: 1...(90 * 86400))),
            lockoutThreshold: try env.integer("EXPO_LOCKOUT_THRESHOLD", default: 5, in: 1...1_000_000),
            lockoutDuration: .seconds(try env.integer("EXPO_LOCKOUT_SECONDS", default: 900, in: 1...86400)),
            failuresPerAddress: try env.integer("EXPO_SIGN_IN_FAILURES_PER_ADDRESS", default: 50, in: 0...1_000_000),
            failureWindow: .seconds(try env.integer("EXPO_SIGN_IN_FAILURE_WINDOW_SECONDS", default: 900, in: 1...86400)),
            argon2: Argon2Parameters(
                memoryKiB: UInt32(try env.integer("EXPO_ARGON2_MEMORY_KIB", default: 19 * 1024, in: (19 * 1024)...(1 << 22))),
                iterations: UInt32(try env.integer("EXPO_ARGON2_ITERATIONS", default: 2, in: 2...20))),
            loginRecordRetentionDays: try env.integer("EXPO_LOGIN_RECORD_RETENTION_DAYS", default: 180, in: 1...3650),
            bootstrapAdmin: try AdminBootstrap.Request(environment: env),
            verificationValidDays: try env.integer("EXPO_VERIFICATION_VALID_DAYS", default: 365, in: 1...3650),
            verificationReminderDays: try env.integer("EXPO_VERIFICATION_REMINDER_DAYS", default: 30, in: 1...365))
    }
}
