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
            // No Idempotency-Key here: the stored reply would hold the secret token.
            return try await forwarder.forward(
                CreateSession(email: credentials.email, password: credentials.password, client: client),
                request: request, context: context, status: .created, idempotent: false)
        }
        router.delete("/v1/sessions/current") { request, context in
            let actor = try context.requireActor()
            let response = try await forwarder.forward(EndSession(sessionID: nil), request: request, context: context, status: .noContent)
            if let session = actor.sessionID { sessions?.forget(session: session) }
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
