import Contracts
import Foundation
import Hummingbird
import MessageBus

/// The accounts part of the HTTP API (API.md, "Accounts"): each route reads and checks the HTTP
/// request, sends the typed request to `accounts`, and answers with its reply.
struct AccountsRoutes {
    let forwarder: RPCForwarder
    let sessions: SessionAuthenticator?

    func add(to router: Router<GatewayContext>) {
        router.forward(.post, "/v1/accounts", by: forwarder, status: .created) { request, _ in
            var registration = try await forwarder.decode(RegisterAccount.self, request)
            // Without a choice, the browser's language if the platform speaks it.
            if registration.language == nil {
                registration.language = Language.preferred(in: request.headers[.acceptLanguage])?.rawValue
            }
            return registration
        }
        router.post("/v1/sessions") { request, context in
            let credentials = try await forwarder.decode(Credentials.self, request)
            let client = context.client(of: request)
            let signIn = CreateSession(email: credentials.email, password: credentials.password, client: client)
            // No Idempotency-Key here: the stored reply would hold the secret token.
            if BrowserSession.wantsCookie(request) {
                return try BrowserSession.signedIn(try await forwarder.call(signIn, request: request, context: context, idempotent: false))
            }
            return try await forwarder.forward(signIn, request: request, context: context, status: .created, idempotent: false)
        }
        router.delete("/v1/sessions/current") { request, context in
            let actor = try context.requireActor()
            var response = try await forwarder.forward(EndSession(sessionID: nil), request: request, context: context, status: .noContent)
            if let session = actor.sessionID { sessions?.forget(session: session) }
            if BrowserSession.token(in: request) != nil { BrowserSession.clear(&response) }
            return response
        }
        router.forward(.get, "/v1/me", by: forwarder) { _, _ in GetMe() }
        router.forward(.patch, "/v1/me", by: forwarder) { request, _ in try await forwarder.decode(UpdateMe.self, request) }
        router.forward(.post, "/v1/me/password", by: forwarder, status: .noContent) { request, _ in
            try await forwarder.decode(ChangePassword.self, request)
        }
        router.forward(.get, "/v1/me/sessions", by: forwarder) { request, _ in ListSessions(page: try request.pageRequest()) }
        router.delete("/v1/me/sessions/:id") { request, context in
            let actor = try context.requireActor()
            let id = try context.pathID("no session with this id")
            let response = try await forwarder.forward(EndSession(sessionID: id), request: request, context: context, status: .noContent)
            if id == actor.sessionID { sessions?.forget(session: id) }
            return response
        }
        // Mailed links: the token is the path's last part, and never logged.
        router.forward(.post, "/v1/email-verifications/:token", by: forwarder, status: .noContent) { _, context in
            VerifyEmail(token: context.parameters.get("token") ?? "")
        }
        router.forward(.post, "/v1/email-verifications", by: forwarder, status: .accepted) { _, _ in RequestEmailVerification() }
        router.forward(.post, "/v1/password-resets", by: forwarder, status: .accepted) { request, _ in
            RequestPasswordReset(email: try await forwarder.decode(EmailForm.self, request).email)
        }
        router.forward(.post, "/v1/password-resets/:token", by: forwarder, status: .noContent) { request, context in
            ResetPassword(token: context.parameters.get("token") ?? "", newPassword: try await forwarder.decode(NewPasswordForm.self, request).newPassword)
        }
        router.forward(.get, "/v1/me/logins", by: forwarder) { request, _ in ListLogins(page: try request.pageRequest()) }
        router.forward(.get, "/v1/companies/:id", by: forwarder) { _, context in
            GetCompany(companyID: try context.pathID("no company with this id"))
        }
        router.forward(.get, "/v1/admin/accounts", by: forwarder) { request, _ in
            ListAccounts(verificationStatus: request.uri.queryParameters.get("verificationStatus"), page: try request.pageRequest())
        }
        router.forward(.post, "/v1/admin/accounts/:id/verification", by: forwarder) { request, context in
            let id = try context.pathID("no account with this id")
            let body = try await forwarder.decode(VerificationForm.self, request)
            return DecideVerification(accountID: id, decision: body.decision, reason: body.reason)
        }
        router.forward(.put, "/v1/admin/accounts/:id/roles", by: forwarder) { request, context in
            let id = try context.pathID("no account with this id")
            return SetStaffRoles(accountID: id, roles: try await forwarder.decode(RolesForm.self, request).roles)
        }
        addCompanyTeam(to: router)
    }

    /// The caller's company team, and the invitation link that joins it.
    private func addCompanyTeam(to router: Router<GatewayContext>) {
        router.forward(.get, "/v1/me/company/members", by: forwarder) { _, _ in ListCompanyMembers() }
        router.forward(.post, "/v1/me/company/invitations", by: forwarder, status: .created) { request, _ in
            try await forwarder.decode(InviteColleague.self, request)
        }
        router.forward(.delete, "/v1/me/company/members/:id", by: forwarder, status: .noContent) { _, context in
            RemoveCompanyMember(accountID: try context.pathID("no member of your company has this id"))
        }
        router.forward(.put, "/v1/me/company/members/:id/role", by: forwarder) { request, context in
            let id = try context.pathID("no member of your company has this id")
            return SetCompanyRole(accountID: id, role: try await forwarder.decode(CompanyRoleForm.self, request).role)
        }
        // Signed in, the caller's account joins (200); otherwise the body registers one (201).
        router.post("/v1/company-invitations/:token") { request, context in
            let token = context.parameters.get("token") ?? ""
            guard context.actor == nil else {
                return try await forwarder.forward(AcceptInvitation(token: token), request: request, context: context)
            }
            let form = try await forwarder.decode(InvitationAcceptanceForm.self, request)
            let acceptance = AcceptInvitation(
                token: token, password: form.password, contactName: form.contactName, title: form.title, department: form.department,
                telephone: form.telephone,
                language: form.language ?? Language.preferred(in: request.headers[.acceptLanguage])?.rawValue)
            return try await forwarder.forward(acceptance, request: request, context: context, status: .created)
        }
    }

    struct CompanyRoleForm: Decodable {
        var role: String?
    }

    struct InvitationAcceptanceForm: Decodable {
        var password: String?
        var contactName: String?
        var title: String?
        var department: String?
        var telephone: String?
        var language: String?
    }

    struct Credentials: Decodable {
        var email: String?
        var password: String?
    }

    struct EmailForm: Decodable {
        var email: String?
    }

    struct NewPasswordForm: Decodable {
        var newPassword: String?
    }

    struct VerificationForm: Decodable {
        var decision: String?
        var reason: String?
    }

    struct RolesForm: Decodable {
        var roles: [String]?
    }
}
