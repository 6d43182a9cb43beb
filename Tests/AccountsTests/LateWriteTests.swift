@testable import Accounts
import Contracts
import Foundation
import Testing
import TestSupport

/// A request that outlived its caller's deadline, or an original that arrives after its retry,
/// must not overwrite what was acknowledged since (the lost update the fault suite found).
@Suite(.integration) struct LateWriteTests {
    @Test func workPastTheCallersDeadlineIsRolledBack() async throws {
        try await AccountsHarness.with { harness in
            let account = try await harness.register()
            let actor = try await harness.actor(try await harness.signIn(account.email))
            let late = harness.context(UpdateMe.type, actor: actor, deadline: Date().addingTimeInterval(-0.001))

            let answer = try await problem { try await harness.handlers.updateMe(UpdateMe(contactName: "Too Late"), late) }
            #expect(answer?.status == 504 && answer?.code == .deadlineExceeded)
            let me = try await harness.handlers.getMe(GetMe(), harness.context(GetMe.type, actor: actor))
            #expect(me.contactName == account.contactName, "nothing was changed")
            #expect(try await harness.events(AccountProfileChanged.self).isEmpty, "and nothing announced")

            let inTime = harness.context(UpdateMe.type, actor: actor, deadline: Date().addingTimeInterval(30))
            #expect(try await harness.handlers.updateMe(UpdateMe(contactName: "In Time"), inTime).contactName == "In Time")
        }
    }

    @Test func aLateOriginalAfterItsRetryAndALaterEditChangesNothing() async throws {
        try await AccountsHarness.with { harness in
            let account = try await harness.register()
            let actor = try await harness.actor(try await harness.signIn(account.email))
            let first = UUID().uuidString
            let retried = try await harness.handlers.updateMe(
                UpdateMe(contactName: "Li Wei 1"), harness.context(UpdateMe.type, actor: actor, idempotencyKey: first))
            let next = try await harness.handlers.updateMe(
                UpdateMe(contactName: "Li Wei 2"), harness.context(UpdateMe.type, actor: actor, idempotencyKey: UUID().uuidString))
            #expect(next.contactName == "Li Wei 2")

            // The original of the first edit, held up (a frozen replica, a dead database), now arrives.
            let original = try await harness.handlers.updateMe(
                UpdateMe(contactName: "Li Wei 1"), harness.context(UpdateMe.type, actor: actor, idempotencyKey: first))
            #expect(original == retried, "it gets the first reply")
            let me = try await harness.handlers.getMe(GetMe(), harness.context(GetMe.type, actor: actor))
            #expect(me.contactName == "Li Wei 2", "the later, acknowledged edit stays")
            #expect(try await harness.events(AccountProfileChanged.self).map(\.contactName) == ["Li Wei 1", "Li Wei 2"])
        }
    }

    @Test func anIdempotencyKeyBelongsToTheAccountThatSentIt() async throws {
        try await AccountsHarness.with { harness in
            let key = UUID().uuidString
            for name in ["Ana Silva", "Kenji Sato"] {
                let account = try await harness.register()
                let actor = try await harness.actor(try await harness.signIn(account.email))
                let updated = try await harness.handlers.updateMe(
                    UpdateMe(contactName: name), harness.context(UpdateMe.type, actor: actor, idempotencyKey: key))
                #expect(updated.contactName == name, "another account's use of the key is no reuse")
            }
        }
    }

    @Test func aRetriedPasswordChangeGetsItsFirstAnswer() async throws {
        try await AccountsHarness.with { harness in
            let account = try await harness.register()
            let actor = try await harness.actor(try await harness.signIn(account.email))
            let change = ChangePassword(currentPassword: AccountsHarness.password, newPassword: "a much longer new passphrase 7")
            let context = harness.context(ChangePassword.type, actor: actor, idempotencyKey: UUID().uuidString)

            _ = try await harness.handlers.changePassword(change, context)
            let retry = try await problem { try await harness.handlers.changePassword(change, context) }
            #expect(retry == nil, "the retry is answered like the first attempt, not 403")
            #expect(try await harness.events(PasswordChanged.self).count == 1)
            _ = try await harness.signIn(account.email, "a much longer new passphrase 7")

            let fresh = try await problem {
                try await harness.handlers.changePassword(change, harness.context(ChangePassword.type, actor: actor, idempotencyKey: UUID().uuidString))
            }
            #expect(fresh?.code == .wrongPassword, "a new request with the old password is still refused")
        }
    }
}
