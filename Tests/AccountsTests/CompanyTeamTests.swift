@testable import Accounts
import Contracts
import Foundation
import Persistence
import ServiceRuntime
import Testing
import TestSupport

@Suite(.integration) struct CompanyTeamTests {
    /// A supplier company's admin, signed in.
    func company(_ harness: AccountsHarness) async throws -> (account: Account, actor: Actor) {
        let account = try await harness.register(AccountsHarness.registration(businessType: "supplier"))
        return (account, try await harness.actor(try await harness.signIn(account.email)))
    }

    /// Invites `email` and returns the token the mail would carry.
    func invite(_ email: String, role: String? = nil, by admin: Actor, _ harness: AccountsHarness) async throws -> String {
        _ = try await harness.send(InviteColleague(email: email, role: role), actor: admin)
        return try #require(try await harness.events(ColleagueInvited.self).last { $0.email == email }?.token)
    }

    /// The colleague registers through the link and signs in.
    func join(_ token: String, _ harness: AccountsHarness) async throws -> (account: Account, actor: Actor) {
        let account = try await harness.send(AcceptInvitation(
            token: token, password: AccountsHarness.password, contactName: "Wang Fang", telephone: "+86 755 2222 3333"))
        return (account, try await harness.actor(try await harness.signIn(account.email)))
    }

    @Test func anAdminInvitesAColleagueWhoRegistersThroughTheLinkOnce() async throws {
        try await AccountsHarness.with { harness in
            let (owner, admin) = try await company(harness)
            #expect(owner.companyRole == .admin, "the registering account is its company's admin")
            let email = "\(uniqueName("colleague"))@example.com"
            let invitation = try await harness.send(InviteColleague(email: email), actor: admin)
            #expect(invitation.role == .member && invitation.invitedBy == admin.accountID)
            let mailed = try #require(try await harness.events(ColleagueInvited.self).first)
            #expect(mailed.companyName == owner.company?.name && mailed.invitedByName == owner.contactName && mailed.email == email)
            #expect(try await harness.count("SELECT count(*) FROM company_invitations WHERE token_hash = \(SecretToken.hash(mailed.token))") == 1,
                    "only the token's hash is kept")
            #expect(try await harness.send(ListCompanyMembers(), actor: admin).invitations.map(\.email) == [email])

            let (colleague, colleagueActor) = try await join(mailed.token, harness)
            #expect(colleague.company?.id == owner.company?.id && colleague.companyRole == .member)
            #expect(colleague.email == email && colleague.emailVerified, "the link proved the address")
            #expect(colleague.roles == [.supplier], "a supplier's colleague acts as a supplier")
            #expect(colleagueActor.companyID == owner.company?.id, "the colleague's requests act for the company")
            #expect(try await harness.events(CompanyMemberJoined.self).map(\.accountID) == [colleague.id])
            #expect(try await harness.events(AccountRegistered.self).last?.company?.id == owner.company?.id)

            let reused = try await problem { try await join(mailed.token, harness) }
            #expect(reused?.status == 404, "the link works once")
            let team = try await harness.send(ListCompanyMembers(), actor: colleagueActor)
            #expect(team.items.map(\.accountID) == [owner.id, colleague.id] && team.items.map(\.role) == [.admin, .member])
            #expect(team.invitations.isEmpty)
        }
    }

    @Test func onlyAdminsManageTheTeamAndTheCompanyAlwaysKeepsAnAdmin() async throws {
        try await AccountsHarness.with { harness in
            let (owner, admin) = try await company(harness)
            let (colleague, member) = try await join(try await invite("\(uniqueName("member"))@example.com", by: admin, harness), harness)

            #expect(try await problem { try await harness.send(InviteColleague(email: "x-\(uniqueName("x"))@example.com"), actor: member) }?.code == .notCompanyAdmin)
            #expect(try await problem { try await harness.send(SetCompanyRole(accountID: owner.id, role: "member"), actor: member) }?.code == .notCompanyAdmin)
            #expect(try await problem { try await harness.send(RemoveCompanyMember(accountID: owner.id), actor: member) }?.code == .notCompanyAdmin)
            #expect(try await problem { try await harness.send(UpdateMe(companyName: "Renamed by a member"), actor: member) }?.code == .notCompanyAdmin,
                    "the company's card is its admins'")
            #expect(try await problem { try await harness.send(SetCompanyRole(accountID: owner.id, role: "member"), actor: admin) }?.code == .lastCompanyAdmin)
            #expect(try await problem { try await harness.send(RemoveCompanyMember(accountID: owner.id), actor: admin) }?.code == .lastCompanyAdmin)
            #expect(try await problem { try await harness.send(SetCompanyRole(accountID: colleague.id, role: "owner"), actor: admin) }?.code == .validationFailed)
            #expect(try await problem { try await harness.send(SetCompanyRole(accountID: UUID(), role: "admin"), actor: admin) }?.status == 404)

            // Another company's people are not this team's.
            let (stranger, _) = try await company(harness)
            #expect(try await problem { try await harness.send(RemoveCompanyMember(accountID: stranger.id), actor: admin) }?.status == 404)
            #expect(try await problem { try await harness.send(InviteColleague(email: stranger.email), actor: admin) }?.code == .emailTaken,
                    "a person acts for one company")

            #expect(try await harness.send(SetCompanyRole(accountID: colleague.id, role: "admin"), actor: admin).role == .admin)
            #expect(try await harness.send(SetCompanyRole(accountID: owner.id, role: "member"), actor: admin).role == .member, "now there is another admin")
            #expect(try await harness.send(ListCompanyMembers(), actor: member).items.map(\.role) == [.member, .admin])
        }
    }

    @Test func aRemovedMemberLosesEverySessionAndTheCompanyButMayJoinAgain() async throws {
        try await AccountsHarness.with { harness in
            let (owner, admin) = try await company(harness)
            let email = "\(uniqueName("leaver"))@example.com"
            let (colleague, _) = try await join(try await invite(email, by: admin, harness), harness)
            let session = try await harness.signIn(email)

            _ = try await harness.send(RemoveCompanyMember(accountID: colleague.id), actor: admin)
            #expect(try await problem { try await harness.authenticate(session.token) }?.status == 401, "access ends at once")
            #expect(try await harness.events(SessionRevoked.self).filter { $0.accountID == colleague.id }.allSatisfy { $0.reason == .removedFromCompany })
            let removed = try #require(try await harness.events(CompanyMemberRemoved.self).first)
            #expect(removed.accountID == colleague.id && removed.companyID == owner.company?.id && removed.removedBy == admin.accountID)
            #expect(try await harness.send(ListCompanyMembers(), actor: admin).items.map(\.accountID) == [owner.id])

            // Still a user with data rights, acting for no company.
            let outsider = try await harness.actor(try await harness.signIn(email))
            let me = try await harness.send(GetMe(), actor: outsider)
            #expect(me.company == nil && me.companyRole == nil && me.roles.isEmpty && outsider.companyID == nil)
            #expect(try await problem { try await harness.send(ListCompanyMembers(), actor: outsider) }?.code == .noCompany)

            // Invited again, they join signed in, with the invited address only.
            let token = try await invite(email, role: "admin", by: admin, harness)
            let (_, other) = try await company(harness)
            #expect(try await problem { try await harness.send(AcceptInvitation(token: token), actor: other) }?.code == .alreadyInCompany)
            let back = try await harness.send(AcceptInvitation(token: token), actor: outsider)
            #expect(back.company?.id == owner.company?.id && back.companyRole == .admin && back.roles == [.supplier])
            #expect(try await harness.events(AccountRolesChanged.self).last?.accountID == colleague.id, "gateways forget the old actor")
        }
    }

    @Test func aMemberIsErasedAloneButTheOnlyAdminMustHandOverFirst() async throws {
        try await AccountsHarness.with { harness in
            let (owner, admin) = try await company(harness)
            let (colleague, _) = try await join(try await invite("\(uniqueName("erased"))@example.com", by: admin, harness), harness)
            let task = { (id: UUID) in DataSubjectTask(requestID: UUID(), accountID: id) }

            let postponed = try await harness.send(.erase, task(owner.id), as: ErasureOutcome.self)
            #expect(postponed.state == .postponed && postponed.reason?.contains("only admin") == true)
            #expect(try await harness.count("SELECT count(*) FROM accounts WHERE id = \(owner.id) AND erased_at IS NULL") == 1, "nothing changed")

            #expect(try await harness.send(.erase, task(colleague.id), as: ErasureOutcome.self).state == .done)
            let erased = try #require(try await harness.events(AccountErased.self).first)
            #expect(erased.accountID == colleague.id && erased.companyClosed == false && erased.closedCompanyID == nil)
            #expect(try await harness.send(ListCompanyMembers(), actor: admin).items.map(\.accountID) == [owner.id])

            #expect(try await harness.send(.erase, task(owner.id), as: ErasureOutcome.self).state == .done, "alone, the admin closes the company")
            #expect(try await harness.events(AccountErased.self).last?.closedCompanyID == owner.company?.id)
        }
    }

    @Test func verificationIsTheCompanysAndANewLegalIdentityIsReviewedAgain() async throws {
        try await AccountsHarness.with { harness in
            let (owner, admin) = try await company(harness)
            let (colleague, member) = try await join(try await invite("\(uniqueName("verified"))@example.com", by: admin, harness), harness)
            let (staff, _) = try await harness.admin()
            _ = try await harness.send(DecideVerification(accountID: owner.id, decision: "approve", reason: nil), actor: staff)
            let seen = try await harness.send(GetMe(), actor: member)
            #expect(seen.verificationStatus == .approved && seen.capabilities.publishProducts, "members share the company's verification")
            #expect(try await harness.send(GetCompany(companyID: try #require(colleague.company?.id))).verified)

            #expect(try await harness.send(UpdateMe(industry: "Servo drives"), actor: admin).verificationStatus == .approved,
                    "the industry is no part of the legal identity")
            let renamed = try await harness.send(UpdateMe(companyName: "Shenzhen Precision Drives Ltd."), actor: admin)
            #expect(renamed.verificationStatus == .pending, "a new legal name is reviewed again")
            let card = try await harness.send(GetCompany(companyID: try #require(owner.company?.id)))
            #expect(card.verified && card.underReview == true, "still shown under the earlier approval, marked as under review")
            #expect(try await harness.events(AccountProfileChanged.self).last?.company?.underReview == true)
            #expect(try await harness.send(GetMe(), actor: member).verificationStatus == .pending)
            let listed = try await harness.send(ListAccounts(verificationStatus: "pending"), actor: staff).items.map(\.id)
            #expect(listed.contains(owner.id) && listed.contains(colleague.id))
        }
    }
}
