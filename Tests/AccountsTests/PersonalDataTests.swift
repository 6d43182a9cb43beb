@testable import Accounts
import Contracts
import Foundation
import Testing
import TestSupport

/// The accounts service's data-rights part, driven as the data-rights service will drive it.
@Suite(.integration) struct PersonalDataTests {
    func task(_ accountID: UUID) -> DataSubjectTask { DataSubjectTask(requestID: UUID(), accountID: accountID) }

    @Test func anExportHoldsWhatIsKeptAboutThePersonAndNothingAboutOthers() async throws {
        try await AccountsHarness.with { harness in
            let account = try await harness.register()
            let other = try await harness.register()
            _ = try await harness.signIn(account.email)
            _ = try await problem { try await harness.signIn(account.email, "not the password at all") }

            let export = try await harness.export(task(account.id))
            #expect(export.service == .accounts && export.accountID == account.id)
            #expect(export.categories.map(\.name) == ["account and company profile", "sessions", "sign-in records", "verification decisions"])
            #expect(export.categories.allSatisfy { !$0.purpose.isEmpty && !$0.legalBasis.isEmpty && !$0.retention.isEmpty })
            let document = try JSONSerialization.jsonObject(with: Data(export.document.utf8)) as? [String: Any]
            #expect((document?["account"] as? [String: Any])?["email"] as? String == account.email)
            #expect((document?["account"] as? [String: Any])?["telephone"] as? String == account.telephone)
            #expect((document?["sessions"] as? [Any])?.count == 1)
            #expect((document?["logins"] as? [[String: Any]])?.map { $0["outcome"] as? String } == ["succeeded", "invalid-credentials"])
            #expect(!export.document.contains(other.email), "another person's data is not in it")
            #expect(!export.document.contains("password"), "no password hash, no token hash")
            #expect(export.restriction == ProcessingRestriction(restricted: false) && export.objections.isEmpty)
        }
    }

    @Test func erasureAnonymisesTheAccountEndsItsSessionsEverywhereAndIsRepeatable() async throws {
        try await AccountsHarness.with { harness in
            let account = try await harness.register()
            let session = try await harness.signIn(account.email)
            _ = try await problem { try await harness.signIn(account.email, "a wrong guess") }
            #expect(try await harness.count("SELECT count(*) FROM failed_sign_ins") == 1)

            let erased = try await harness.send(.erase, task(account.id), as: ErasureOutcome.self)
            #expect(erased == ErasureOutcome(service: .accounts, state: .done))
            #expect(try await harness.count("SELECT count(*) FROM failed_sign_ins") == 0, "its failed sign-ins go too")
            #expect(try await problem { try await harness.authenticate(session.token) }?.status == 401, "its token is dead")
            #expect(try await problem { try await harness.signIn(account.email) }?.code == .invalidCredentials)
            #expect(try await harness.events(SessionRevoked.self).map(\.reason) == [.accountErased], "gateways drop the cached token")
            #expect(try await harness.events(AccountErased.self).map(\.accountID) == [account.id])
            #expect(try await harness.count("SELECT count(*) FROM login_records") == 0)
            #expect(try await harness.count("SELECT count(*) FROM sessions") == 0)
            let export = try await harness.export(task(account.id))
            for personal in [account.email, account.contactName, account.telephone ?? "", account.title ?? "", account.department ?? ""] {
                #expect(!export.document.contains(personal), "'\(personal)' is gone")
            }
            let again = try await harness.send(.erase, task(account.id), as: ErasureOutcome.self)
            #expect(again.state == .done)
            #expect(try await harness.events(AccountErased.self).count == 1, "a repeated task is a no-op")
            let reregistered = try await harness.register(AccountsHarness.registration(email: account.email))
            #expect(reregistered.id != account.id, "the address is free for a new account")
        }
    }

    @Test func anIndividualPurchasersCompanyNameGoesWithThePerson() async throws {
        try await AccountsHarness.with { harness in
            var request = AccountsHarness.registration(businessType: "individual-purchaser")
            request.companyName = "Li Wei"
            let account = try await harness.register(request)
            _ = try await harness.send(.erase, task(account.id), as: ErasureOutcome.self)
            let card = try await harness.send(GetCompany(companyID: try #require(account.company?.id)))
            #expect(card.name != "Li Wei")
        }
    }

    @Test func theOnlyAdminIsNotErasedUntilAnotherIsAppointed() async throws {
        try await AccountsHarness.with { harness in
            let (admin, _) = try await harness.admin()
            let outcome = try await harness.send(.erase, task(admin.accountID), as: ErasureOutcome.self)
            #expect(outcome.state == .postponed && outcome.reason?.contains("only admin") == true)
            #expect(try await harness.events(AccountErased.self).isEmpty, "nothing changed")

            let colleague = try await harness.register()
            _ = try await harness.send(SetStaffRoles(accountID: colleague.id, roles: ["admin"]), actor: admin)
            #expect(try await harness.send(.erase, task(admin.accountID), as: ErasureOutcome.self).state == .done)
        }
    }

    @Test func restrictionHoldsTheAccountOutOfReviewUntilLifted() async throws {
        try await AccountsHarness.with { harness in
            let (admin, _) = try await harness.admin()
            let account = try await harness.register()
            func listed() async throws -> Bool {
                try await harness.send(ListAccounts(verificationStatus: "pending"), actor: admin).items.contains { $0.id == account.id }
            }
            let restricted = try await harness.send(.restrict, RestrictProcessing(task: task(account.id), restricted: true), as: ProcessingRestriction.self)
            #expect(restricted.restricted && restricted.since != nil)
            let repeated = try await harness.send(.restrict, RestrictProcessing(task: task(account.id), restricted: true), as: ProcessingRestriction.self)
            #expect(repeated == restricted, "repeating it changes nothing")
            #expect(try await listed() == false)
            let decided = try await problem {
                try await harness.send(DecideVerification(accountID: account.id, decision: "approve", reason: nil), actor: admin)
            }
            #expect(decided?.status == 409 && decided?.code == .processingRestricted)

            let lifted = try await harness.send(.restrict, RestrictProcessing(task: task(account.id), restricted: false), as: ProcessingRestriction.self)
            #expect(!lifted.restricted)
            #expect(try await listed())
            #expect(try await harness.send(DecideVerification(accountID: account.id, decision: "approve", reason: nil), actor: admin)
                .verificationStatus == .approved)
        }
    }

    @Test func objectionsAreKeptPerScopeAndCanBeWithdrawn() async throws {
        try await AccountsHarness.with { harness in
            let account = try await harness.register()
            for scope in [ObjectionScope.profiling, .directMarketing, .profiling] {
                _ = try await harness.send(.object, RecordObjection(task: task(account.id), scope: scope), as: Objections.self)
            }
            let withdrawn = try await harness.send(
                .object, RecordObjection(task: task(account.id), scope: .profiling, withdrawn: true), as: Objections.self)
            #expect(withdrawn.scopes == [.directMarketing])
            #expect(try await harness.export(task(account.id)).objections == [.directMarketing])
        }
    }
}
