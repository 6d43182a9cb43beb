@testable import Accounts
import Contracts
import Foundation
import ServiceRuntime
import TestSupport
import Testing

/// Email verification and password reset: single-use, short-lived links whose tokens are kept
/// only hashed, and a reset request that answers the same for unknown addresses.
@Suite(.integration) struct EmailOwnershipTests {
    @Test func theMailedLinkVerifiesTheAddressOnce() async throws {
        try await AccountsHarness.with { harness in
            let account = try await harness.register()
            #expect(!account.emailVerified)
            let link = try #require(try await harness.kit.events(EmailVerificationRequested.self).last?.link)
            #expect(link.accountID == account.id && link.email == account.email && link.contactName == "Li Wei")
            #expect((47 * 3600...48 * 3600).contains(link.expiresAt.timeIntervalSinceNow))
            #expect(try await harness.count("SELECT count(*) FROM email_tokens WHERE token_hash = \(SecretToken.hash(link.token))") == 1,
                    "only the token's hash is stored")

            _ = try await harness.send(VerifyEmail(token: link.token))
            let actor = try await harness.actor(try await harness.signIn(account.email))
            #expect(try await harness.send(GetMe(), actor: actor).emailVerified)
            #expect(try await problem { try await harness.send(VerifyEmail(token: link.token)) }?.status == 404, "single use")
            #expect(try await problem { try await harness.send(VerifyEmail(token: SecretToken.generate())) }?.status == 404)
            #expect(try await problem { try await harness.send(VerifyEmail(token: "not even a token")) }?.status == 404)
        }
    }

    @Test func aNewAddressIsUnverifiedAndOnlyItsOwnLinkVerifiesIt() async throws {
        try await AccountsHarness.with { harness in
            let account = try await harness.register()
            let first = try #require(try await harness.kit.events(EmailVerificationRequested.self).last?.link)
            let actor = try await harness.actor(try await harness.signIn(account.email))
            _ = try await harness.send(VerifyEmail(token: first.token))

            let newEmail = "\(uniqueName("moved"))@example.com"
            let changed = try await harness.send(UpdateMe(email: newEmail, currentPassword: AccountsHarness.password), actor: actor)
            #expect(changed.email == newEmail && !changed.emailVerified, "a changed address must be verified again")
            let links = try await harness.kit.events(EmailVerificationRequested.self).map(\.link)
            #expect(links.count == 2 && links[1].email == newEmail)
            _ = try await harness.send(VerifyEmail(token: links[1].token))
            #expect(try await harness.send(GetMe(), actor: actor).emailVerified)
            #expect(try await harness.send(UpdateMe(contactName: "Wei Li"), actor: actor).emailVerified, "other changes keep it")
        }
    }

    @Test func aResetLinkSetsTheNewPasswordAndEndsEverySession() async throws {
        try await AccountsHarness.with { harness in
            let account = try await harness.register()
            let session = try await harness.signIn(account.email)
            _ = try await harness.send(RequestPasswordReset(email: account.email.uppercased()))
            let link = try #require(try await harness.kit.events(PasswordResetRequested.self).last?.link)
            #expect(link.accountID == account.id && (25 * 60...30 * 60).contains(link.expiresAt.timeIntervalSinceNow))

            let weak = try await problem { try await harness.send(ResetPassword(token: link.token, newPassword: "password1234")) }
            #expect(weak?.status == 422 && weak?.errors?.map(\.field) == ["newPassword"], "the policy applies")
            let newPassword = "a new and much longer passphrase 7"
            _ = try await harness.send(ResetPassword(token: link.token, newPassword: newPassword))
            #expect(try await problem { try await harness.send(ResetPassword(token: link.token, newPassword: newPassword + "!")) }?.status == 404,
                    "single use")

            let revoked = try await harness.kit.events(SessionRevoked.self)
            #expect(revoked.map(\.sessionID) == [session.sessionID], "every session ends")
            #expect(try await problem { try await harness.signIn(account.email) }?.status == 401, "the old password no longer works")
            let actor = try await harness.actor(try await harness.signIn(account.email, newPassword))
            #expect(try await harness.send(GetMe(), actor: actor).emailVerified, "the link reached the address")
        }
    }

    @Test func aResetRequestAnswersTheSameForUnknownAddressesAndANewLinkReplacesTheOld() async throws {
        try await AccountsHarness.with { harness in
            _ = try await harness.send(RequestPasswordReset(email: "\(uniqueName("nobody"))@example.com"))
            #expect(try await harness.kit.events(PasswordResetRequested.self).isEmpty)
            #expect(try await problem { try await harness.send(RequestPasswordReset(email: "not an email")) }?.status == 422)

            let account = try await harness.register()
            _ = try await harness.send(RequestPasswordReset(email: account.email))
            _ = try await harness.send(RequestPasswordReset(email: account.email))
            let links = try await harness.kit.events(PasswordResetRequested.self).map(\.link)
            #expect(links.count == 2)
            #expect(try await problem { try await harness.send(ResetPassword(token: links[0].token, newPassword: "an old link must not work 1")) }?.status == 404)
            _ = try await harness.send(ResetPassword(token: links[1].token, newPassword: "the newest link works fine 2"))
        }
    }

    @Test func anExpiredLinkIsRefused() async throws {
        try await AccountsHarness.with { harness in
            let account = try await harness.register()
            _ = try await harness.send(RequestPasswordReset(email: account.email))
            let link = try #require(try await harness.kit.events(PasswordResetRequested.self).last?.link)
            _ = try await harness.database.withConnection { connection in
                try await connection.query("UPDATE email_tokens SET expires_at = now() - interval '1 second'", logger: harness.logger)
            }
            #expect(try await problem { try await harness.send(ResetPassword(token: link.token, newPassword: "too late for this link 3")) }?.status == 404)
        }
    }
}
