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
        router.post("/v1/accounts") { request, context in
            try await forwarder.forward(try await forwarder.decode(RegisterAccount.self, request), request: request, context: context, status: .created)
        }
        router.post("/v1/sessions") { request, context in
            let credentials = try await forwarder.decode(Credentials.self, request)
            let client = ClientInfo(ip: context.remoteAddress?.ipAddress, userAgent: request.headers[.userAgent])
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
        router.get("/v1/me") { request, context in
            _ = try context.requireActor()
            return try await forwarder.forward(GetMe(), request: request, context: context)
        }
        router.patch("/v1/me") { request, context in
            _ = try context.requireActor()
            return try await forwarder.forward(try await forwarder.decode(UpdateMe.self, request), request: request, context: context)
        }
        router.post("/v1/me/password") { request, context in
            _ = try context.requireActor()
            let change = try await forwarder.decode(ChangePassword.self, request)
            return try await forwarder.forward(change, request: request, context: context, status: .noContent)
        }
        router.get("/v1/me/sessions") { request, context in
            _ = try context.requireActor()
            return try await forwarder.forward(ListSessions(page: try Self.page(request)), request: request, context: context)
        }
        router.delete("/v1/me/sessions/:id") { request, context in
            let actor = try context.requireActor()
            let id = try Self.id(context, "no session with this id")
            let response = try await forwarder.forward(EndSession(sessionID: id), request: request, context: context, status: .noContent)
            if id == actor.sessionID { sessions?.forget(session: id) }
            return response
        }
        router.get("/v1/me/logins") { request, context in
            _ = try context.requireActor()
            return try await forwarder.forward(ListLogins(page: try Self.page(request)), request: request, context: context)
        }
        router.get("/v1/companies/:id") { request, context in
            let id = try Self.id(context, "no company with this id")
            return try await forwarder.forward(GetCompany(companyID: id), request: request, context: context)
        }
        router.get("/v1/admin/accounts") { request, context in
            _ = try context.requireActor()
            let status = request.uri.queryParameters.get("verificationStatus")
            return try await forwarder.forward(
                ListAccounts(verificationStatus: status, page: try Self.page(request)), request: request, context: context)
        }
        router.post("/v1/admin/accounts/:id/verification") { request, context in
            _ = try context.requireActor()
            let id = try Self.id(context, "no account with this id")
            let body = try await forwarder.decode(VerificationForm.self, request)
            return try await forwarder.forward(
                DecideVerification(accountID: id, decision: body.decision, reason: body.reason), request: request, context: context)
        }
        router.put("/v1/admin/accounts/:id/roles") { request, context in
            _ = try context.requireActor()
            let id = try Self.id(context, "no account with this id")
            let body = try await forwarder.decode(RolesForm.self, request)
            return try await forwarder.forward(SetStaffRoles(accountID: id, roles: body.roles), request: request, context: context)
        }
    }

    /// The `:id` path parameter as a UUID; anything else names nothing, so it is a 404.
    static func id(_ context: GatewayContext, _ detail: String) throws -> UUID {
        guard let text = context.parameters.get("id"), let id = UUID(uuidString: text) else { throw Problem.notFound(detail) }
        return id
    }

    /// `?limit=&cursor=`; the service checks the range and the cursor.
    static func page(_ request: Request) throws -> PageRequest {
        let query = request.uri.queryParameters
        var limit: Int?
        if let text = query.get("limit") {
            guard let number = Int(text) else {
                throw Problem.validationFailed([.init(field: "limit", message: "must be a whole number from 1 to 100")])
            }
            limit = number
        }
        // An empty cursor is the first page, as if there were none.
        return PageRequest(limit: limit, cursor: query.get("cursor").flatMap { $0.isEmpty ? nil : $0 })
    }

    struct Credentials: Decodable {
        var email: String?
        var password: String?
    }

    struct VerificationForm: Decodable {
        var decision: String?
        var reason: String?
    }

    struct RolesForm: Decodable {
        var roles: [String]?
    }
}
