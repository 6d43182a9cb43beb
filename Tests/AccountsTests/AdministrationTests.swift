@testable import Accounts
import Contracts
import Foundation
import Persistence
import ServiceRuntime
import Testing
import TestSupport

@Suite(.integration) struct AdministrationTests {
    @Test func adminsReviewPendingAccountsAndEveryDecisionIsKept() async throws {
        try await AccountsHarness.with { harness in
            let supplier = try await harness.register(AccountsHarness.registration(businessType: "supplier"))
            let purchaser = try await harness.register()
            let (admin, _) = try await harness.admin()
            let list = { (status: String?) in
                try await harness.handlers.listAccounts(ListAccounts(verificationStatus: status), harness.context(ListAccounts.type, actor: admin))
            }
            #expect(try await list("pending").items.map(\.id) == [supplier.id, purchaser.id], "oldest first")

            let decide = { (id: UUID, decision: String, reason: String?) in
                try await harness.handlers.decideVerification(
                    DecideVerification(accountID: id, decision: decision, reason: reason), harness.context(DecideVerification.type, actor: admin))
            }
            let noReason = try await problem { try await decide(purchaser.id, "reject", nil) }
            #expect(noReason?.errors?.first?.field == "reason")
            let approved = try await decide(supplier.id, "approve", nil)
            #expect(approved.verificationStatus == .approved)
            #expect(approved.verification?.decidedBy == admin.accountID)
            #expect(approved.capabilities.publishProducts, "a verified supplier may publish products")
            let rejected = try await decide(purchaser.id, "reject", "The business licence is illegible")
            #expect(rejected.verification?.reason == "The business licence is illegible")

            #expect(try await list("pending").items.isEmpty)
            #expect(try await list("approved").items.map(\.id).contains(supplier.id))
            let card = try await harness.handlers.getCompany(GetCompany(companyID: try #require(supplier.company?.id)), harness.context(GetCompany.type))
            #expect(card.verified)

            _ = try await decide(purchaser.id, "approve", "New licence received")
            #expect(try await harness.count("SELECT count(*) FROM verification_decisions WHERE account_id = \(purchaser.id)") == 2)
            let events = try await harness.events(VerificationDecided.self)
            #expect(events.map(\.status) == [.approved, .rejected, .approved])
            #expect(events.allSatisfy { $0.record.decidedBy == admin.accountID })
            let answer42 = try await problem { try await decide(UUID(), "approve", nil) }
            #expect(answer42?.status == 404)
        }
    }

    @Test func onlyAdminsMayReviewOrGrantRoles() async throws {
        try await AccountsHarness.with { harness in
            let account = try await harness.register()
            let actor = try await harness.actor(try await harness.signIn(account.email))
            let listed = try await problem { try await harness.send(ListAccounts(verificationStatus: nil), actor: actor) }
            #expect(listed?.status == 403)
            let decided = try await problem {
                try await harness.send(DecideVerification(accountID: account.id, decision: "approve", reason: nil), actor: actor)
            }
            #expect(decided?.status == 403)
            let granted = try await problem { try await harness.send(SetStaffRoles(accountID: account.id, roles: ["admin"]), actor: actor) }
            #expect(granted?.status == 403)
            #expect(try await harness.handlers.getMe(GetMe(), harness.context(GetMe.type, actor: actor)).verificationStatus == .pending)
        }
    }

    @Test func adminsGrantStaffRolesButNeverTheirOwnAdminRoleAway() async throws {
        try await AccountsHarness.with { harness in
            let account = try await harness.register()
            let (admin, _) = try await harness.admin()
            let set = { (id: UUID, roles: [String]) in
                try await harness.handlers.setStaffRoles(SetStaffRoles(accountID: id, roles: roles), harness.context(SetStaffRoles.type, actor: admin))
            }
            let support = try await set(account.id, ["support", "marketing"])
            #expect(support.roles == [.marketing, .purchaser, .support], "the business role stays")
            #expect(try await harness.events(AccountRolesChanged.self).map(\.roles) == [[.marketing, .purchaser, .support]])
            let answer77 = try await problem { try await set(account.id, ["purchaser"]) }
            #expect(answer77?.code == .validationFailed)
            let answer78 = try await problem { try await set(admin.accountID, []) }
            #expect(answer78?.code == .ownAdminRole)
            let session = try await harness.signIn(account.email)
            #expect(try await harness.authenticate(session.token).roles == [.marketing, .purchaser, .support])
        }
    }

    @Test func theFirstAdminComesFromTheEnvironmentOnceAndNeverWithAWeakPassword() async throws {
        try await AccountsHarness.with { harness in
            let file = FileManager.default.temporaryDirectory.appendingPathComponent(uniqueName("admin-password"))
            defer { try? FileManager.default.removeItem(at: file) }
            try "1qaz2wsx3edc\n".write(to: file, atomically: true, encoding: .utf8)
            let email = "\(uniqueName("root"))@expo.example"
            let environment = Environment(values: ["EXPO_BOOTSTRAP_ADMIN_EMAIL": email, "EXPO_BOOTSTRAP_ADMIN_PASSWORD_FILE": file.path])
            let weak = try #require(try AccountsSettings(environment: environment).bootstrapAdmin)
            await #expect(throws: ConfigurationError.self) { try await AdminBootstrap.run(weak, handlers: harness.handlers, logger: harness.logger) }
            #expect(try await harness.count("SELECT count(*) FROM accounts") == 0)

            try "\(AccountsHarness.password)\n".write(to: file, atomically: true, encoding: .utf8)
            let request = try #require(try AccountsSettings(environment: environment).bootstrapAdmin)
            #expect(try await AdminBootstrap.run(request, handlers: harness.handlers, logger: harness.logger))
            #expect(try await AdminBootstrap.run(request, handlers: harness.handlers, logger: harness.logger) == false, "only while no admin exists")
            let session = try await harness.signIn(email)
            #expect(session.account.roles == [.admin])
            #expect(session.account.company == nil)

            #expect(try AccountsSettings(environment: Environment(values: [:])).bootstrapAdmin == nil, "no variables, no admin")
            #expect(throws: ConfigurationError.self) {
                try AccountsSettings(environment: Environment(values: ["EXPO_BOOTSTRAP_ADMIN_EMAIL": email]))
            }
        }
    }
}
