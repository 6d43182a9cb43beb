@testable import Accounts
import Contracts
import Foundation
import Testing
import TestSupport

/// Approvals run out on the expiry timer, driven here with an injected clock instead of a year.
@Suite(.integration) struct VerificationExpiryTests {
    @Test func anApprovalRunsOutAfterItsPeriodWithOneReminderToTheAdminsBefore() async throws {
        let settings = AccountsSettings(verificationValidDays: 60, verificationReminderDays: 10)
        try await AccountsHarness.with(settings) { harness in
            let owner = try await harness.register(AccountsHarness.registration(businessType: "supplier"))
            let admin = try await harness.actor(try await harness.signIn(owner.email))
            let (staff, _) = try await harness.admin()
            let run = { (now: Date) in
                try await VerificationExpiry.run(now: now, settings: settings, database: harness.database, logger: harness.logger)
            }
            let approved = try await harness.send(DecideVerification(accountID: owner.id, decision: "approve", reason: nil), actor: staff)
            let until = try #require(approved.verifiedUntil)
            #expect(abs(until.timeIntervalSinceNow - 60 * 86400) < 600, "the configured period from the approval")

            #expect(try await run(until.addingTimeInterval(-11 * 86400)) == (0, 0), "not yet")
            #expect(try await run(until.addingTimeInterval(-9 * 86400)) == (1, 0))
            #expect(try await run(until.addingTimeInterval(-1 * 86400)) == (0, 0), "one reminder")
            let reminder = try #require(try await harness.events(VerificationExpiring.self).first)
            #expect(reminder.companyID == owner.company?.id && reminder.adminAccountIDs == [owner.id] && reminder.companyName == owner.company?.name)
            #expect(abs(reminder.expiresAt.timeIntervalSince(until)) < 0.001)

            #expect(try await run(until.addingTimeInterval(1)) == (0, 1))
            #expect(try await run(until.addingTimeInterval(2)) == (0, 0), "expired once")
            let expired = try await harness.send(GetMe(), actor: admin)
            #expect(expired.verificationStatus == .expired && expired.verifiedUntil == nil && !expired.capabilities.publishProducts)
            #expect(try await harness.events(VerificationExpired.self).map(\.companyID) == [try #require(owner.company?.id)])
            #expect(try await !harness.send(GetCompany(companyID: try #require(owner.company?.id))).verified)
            #expect(try await harness.send(ListAccounts(verificationStatus: "expired"), actor: staff).items.map(\.id) == [owner.id])

            // Staff renew it: a new period, and a new reminder before its end.
            let renewed = try await harness.send(DecideVerification(accountID: owner.id, decision: "approve", reason: "Licence renewed"), actor: staff)
            #expect(renewed.verificationStatus == .approved && renewed.capabilities.publishProducts)
            let next = try #require(renewed.verifiedUntil)
            #expect(try await run(next.addingTimeInterval(-5 * 86400)) == (1, 0))
        }
    }

    @Test func aCompanyUnderReviewLosesItsEarlierApprovalWhenThatRunsOut() async throws {
        try await AccountsHarness.with { harness in
            let owner = try await harness.register(AccountsHarness.registration(businessType: "supplier"))
            let admin = try await harness.actor(try await harness.signIn(owner.email))
            let (staff, _) = try await harness.admin()
            let until = try #require(try await harness.send(DecideVerification(accountID: owner.id, decision: "approve", reason: nil), actor: staff).verifiedUntil)
            let renamed = try await harness.send(UpdateMe(country: "DE"), actor: admin)
            #expect(renamed.verificationStatus == .pending && renamed.verifiedUntil == until, "reviewed again, listed under the earlier approval")

            let settings = AccountsSettings()
            _ = try await VerificationExpiry.run(now: until.addingTimeInterval(1), settings: settings, database: harness.database, logger: harness.logger)
            let me = try await harness.send(GetMe(), actor: admin)
            #expect(me.verificationStatus == .pending && me.verifiedUntil == nil, "still waiting for staff, no longer under the old approval")
            #expect(try await harness.events(VerificationExpired.self).count == 1)
        }
    }
}
