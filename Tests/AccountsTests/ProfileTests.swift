@testable import Accounts
import Contracts
import MessageBus
import Foundation
import Testing
import TestSupport

@Suite(.integration) struct ProfileTests {
    @Test func usersCorrectTheirProfileAndTheChangeIsAnnounced() async throws {
        try await AccountsHarness.with { harness in
            let account = try await harness.register()
            let actor = try await harness.actor(try await harness.signIn(account.email))
            let context = harness.context(UpdateMe.type, actor: actor)

            let updated = try await harness.handlers.updateMe(
                UpdateMe(companyName: "Shenzhen Precision Motors Ltd.", contactName: "Li Wei (Wayne)", title: "", telephone: "+86 755 8765 4321"),
                context)
            #expect(updated.company?.name == "Shenzhen Precision Motors Ltd.")
            #expect(updated.contactName == "Li Wei (Wayne)")
            #expect(updated.title == nil, "an empty title clears it")
            #expect(updated.department == "Export", "absent fields stay")
            let me = try await harness.handlers.getMe(GetMe(), harness.context(GetMe.type, actor: actor))
            #expect(me == updated)
            let events = try await harness.events(AccountProfileChanged.self)
            #expect(events.map(\.changedFields) == [["companyName", "contactName", "title", "telephone"]])

            let unchanged = try await harness.handlers.updateMe(UpdateMe(contactName: "Li Wei (Wayne)"), context)
            #expect(unchanged == updated)
            #expect(try await harness.events(AccountProfileChanged.self).count == 1, "no event without a change")

            let invalid = try await problem {
                try await harness.handlers.updateMe(UpdateMe(country: "Atlantis", telephone: "x", language: "tlh"), context)
            }
            #expect(Set(invalid?.errors?.map(\.field) ?? []) == ["country", "telephone", "language"])
            #expect(try await harness.handlers.getMe(GetMe(), harness.context(GetMe.type, actor: actor)) == updated)
        }
    }

    @Test func changingTheEmailNeedsThePasswordAndAFreeAddress() async throws {
        try await AccountsHarness.with { harness in
            let account = try await harness.register()
            let other = try await harness.register()
            let actor = try await harness.actor(try await harness.signIn(account.email))
            let context = harness.context(UpdateMe.type, actor: actor)
            let newEmail = "\(uniqueName("moved"))@example.com"

            let missing = try await problem { try await harness.handlers.updateMe(UpdateMe(email: newEmail), context) }
            #expect(missing?.errors?.first?.field == "currentPassword")
            let wrong = try await problem { try await harness.handlers.updateMe(UpdateMe(email: newEmail, currentPassword: "not the password"), context) }
            #expect(wrong?.status == 403 && wrong?.code == .wrongPassword && wrong?.errors?.first?.field == "currentPassword")
            let taken = try await problem {
                try await harness.handlers.updateMe(UpdateMe(email: other.email.uppercased(), currentPassword: AccountsHarness.password), context)
            }
            #expect(taken?.code == .emailTaken)

            let moved = try await harness.handlers.updateMe(UpdateMe(email: newEmail, currentPassword: AccountsHarness.password), context)
            #expect(moved.email == newEmail)
            _ = try await harness.signIn(newEmail)
        }
    }

    @Test func anyoneSeesACompanyCardWithoutPersonalData() async throws {
        try await AccountsHarness.with { harness in
            let account = try await harness.register(AccountsHarness.registration(businessType: "supplier"))
            let companyID = try #require(account.company?.id)
            let card = try await harness.handlers.getCompany(GetCompany(companyID: companyID), harness.context(GetCompany.type))
            #expect(card.name == account.company?.name)
            #expect(card.verified == false)
            let json = try #require(String(data: try MessageCodec.encode(card), encoding: .utf8))
            for personal in [account.email, account.contactName, account.telephone ?? "-", "Sales manager"] {
                #expect(!json.contains(personal), "the card does not carry \(personal)")
            }
            let missing = try await problem { try await harness.handlers.getCompany(GetCompany(companyID: UUID()), harness.context(GetCompany.type)) }
            #expect(missing?.status == 404)
        }
    }

    @Test func withoutAnActorThePrivateRequestsAre401() async throws {
        try await AccountsHarness.with { harness in
            for request in [GetMe.type, ListSessions.type, ChangePassword.type, ListAccounts.type] {
                let answer = try await problem {
                    try await harness.requests.handler(for: request)?(RequestContext(
                        message: IncomingMessage(type: request, body: Data("{}".utf8)), logger: harness.logger))
                }
                #expect(answer?.status == 401, "\(request) without a signed-in user")
            }
            let card = try await problem { try await harness.send(GetCompany(companyID: UUID())) }
            #expect(card?.status == 404, "a company card is open to anyone: no 401, just no such company")
        }
    }
}
