import Contracts
import Foundation
import Hummingbird

/// The data-rights part of the HTTP API (API.md, "Data rights"): the signed-in person's requests,
/// their export download and lifting a restriction or objection; staff's queue, requests entered for
/// people who wrote or called, extensions and denials; consent, disclosures and security incidents
/// with the notices people read.
struct DataRightsRoutes {
    let forwarder: RPCForwarder

    func add(to router: Router<GatewayContext>) {
        let noRequest = "no request of yours has this id"
        router.forward(.post, "/v1/me/data-requests", by: forwarder, status: .accepted) { request, _ in
            try await forwarder.decode(CreateDataRequest.self, request)
        }
        router.forward(.get, "/v1/me/data-requests", by: forwarder) { request, _ in ListDataRequests(page: try request.pageRequest()) }
        router.forward(.get, "/v1/me/data-requests/:id", by: forwarder) { _, context in GetDataRequest(requestID: try context.pathID(noRequest)) }
        router.forward(.post, "/v1/me/data-requests/:id/cancel", by: forwarder) { _, context in
            CancelDataRequest(requestID: try context.pathID(noRequest))
        }
        router.forward(.get, "/v1/me/restrictions", by: forwarder) { _, _ in ListStandingRestrictions() }
        router.forward(.delete, "/v1/me/restrictions/:scope", by: forwarder, status: .accepted) { _, context in
            LiftRestriction(scope: context.parameters.get("scope") ?? "")
        }
        router.forward(.get, "/v1/privacy-policy", by: forwarder) { _, _ in GetPrivacyPolicy() }
        router.forward(.post, "/v1/admin/privacy-policy", by: forwarder, status: .created) { request, _ in
            try await forwarder.decode(PublishPrivacyPolicy.self, request)
        }
        router.forward(.put, "/v1/consents/:id", by: forwarder) { request, context in
            let visitor = try context.pathID("a visitor id is a random UUID the browser keeps")
            let form = try await forwarder.decode(ConsentForm.self, request)
            return SetConsent(visitorID: visitor, essential: form.essential, analytics: form.analytics, personalization: form.personalization,
                              policyVersion: form.policyVersion)
        }
        router.forward(.put, "/v1/me/consents", by: forwarder) { request, context in
            _ = try context.requireActor()
            let form = try await forwarder.decode(ConsentForm.self, request)
            return SetConsent(visitorID: nil, mergeVisitorID: form.visitorID, essential: form.essential, analytics: form.analytics,
                              personalization: form.personalization, policyVersion: form.policyVersion)
        }
        router.forward(.get, "/v1/me/consents", by: forwarder) { _, _ in GetMyConsent() }
        router.forward(.post, "/v1/admin/disclosures", by: forwarder, status: .created) { request, _ in
            try await forwarder.decode(RecordDisclosure.self, request)
        }
        router.forward(.get, "/v1/me/disclosures", by: forwarder) { _, _ in ListMyDisclosures() }
        router.forward(.get, "/v1/admin/data-requests", by: forwarder) { request, _ in
            ListDataRequestQueue(status: request.uri.queryParameters.get("status"), overdue: request.uri.queryParameters.get("overdue"),
                                 page: try request.pageRequest())
        }
        router.forward(.post, "/v1/admin/data-requests/:id/extension", by: forwarder) { request, context in
            let id = try context.pathID("no request has this id")
            let form = try await forwarder.decode(ExtensionForm.self, request)
            return ExtendDataRequest(requestID: id, reason: form.reason, newDueAt: form.newDueAt)
        }
        router.forward(.post, "/v1/admin/data-requests", by: forwarder, status: .accepted) { request, _ in
            try await forwarder.decode(EnterDataRequest.self, request)
        }
        router.forward(.post, "/v1/data-requests/:id/verification", by: forwarder) { request, context in
            // A malformed id is refused like a wrong code: nothing tells the two apart.
            let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)) ?? UUID()
            let form = try await forwarder.decode(VerificationForm.self, request)
            return VerifyDataRequest(requestID: id, code: form.code)
        }
        router.forward(.post, "/v1/admin/data-requests/:id/resolution", by: forwarder) { request, context in
            let id = try context.pathID("no request has this id")
            return ResolveDataRequest(requestID: id, resolution: try await forwarder.decode(ResolutionForm.self, request).resolution)
        }
        router.forward(.post, "/v1/admin/data-requests/:id/denial", by: forwarder) { request, context in
            let id = try context.pathID("no request has this id")
            let form = try await forwarder.decode(DenialForm.self, request)
            return DenyDataRequest(requestID: id, reason: form.reason, legalGround: form.legalGround)
        }
        router.forward(.post, "/v1/admin/incidents", by: forwarder, status: .created) { request, _ in
            try await forwarder.decode(RecordIncident.self, request)
        }
        router.forward(.get, "/v1/admin/incidents", by: forwarder) { request, _ in ListIncidents(page: try request.pageRequest()) }
        router.forward(.post, "/v1/admin/incidents/:id/notifications", by: forwarder, status: .accepted) { _, context in
            NotifyIncident(incidentID: try context.pathID("no incident has this id"))
        }
        router.forward(.post, "/v1/admin/incidents/:id/regulator-decision", by: forwarder) { request, context in
            let id = try context.pathID("no incident has this id")
            let form = try await forwarder.decode(RegulatorDecisionForm.self, request)
            return DecideRegulatorNotification(incidentID: id, notify: form.notify, reason: form.reason)
        }
        router.forward(.get, "/v1/me/notices", by: forwarder) { request, _ in ListMyNotices(page: try request.pageRequest()) }
        router.forward(.get, "/v1/admin/retention-report", by: forwarder) { _, _ in GetRetentionReport() }
        // Files, not JSON: their bytes with their media type, as a download.
        router.get("/v1/me/exports/:id") { request, context in
            Self.download(try await forwarder.call(
                DownloadExport(requestID: try context.pathID("no export of yours has this id")), request: request, context: context))
        }
        router.get("/v1/admin/audit-trail") { request, context in
            let query = request.uri.queryParameters
            return Self.download(try await forwarder.call(
                ExportAuditTrail(from: query.get("from"), to: query.get("to")), request: request, context: context))
        }
    }

    static func download(_ file: DownloadedFile) -> Response {
        Response(
            status: .ok, headers: [.contentType: file.contentType, .contentDisposition: "attachment; filename=\"\(file.fileName)\""],
            body: .init(byteBuffer: ByteBuffer(bytes: file.data)))
    }

    struct RegulatorDecisionForm: Decodable {
        var notify: Bool?
        var reason: String?
    }

    struct VerificationForm: Decodable {
        var code: String?
    }

    struct ResolutionForm: Decodable {
        var resolution: String?
    }

    struct DenialForm: Decodable {
        var reason: String?
        var legalGround: String?
    }

    struct ExtensionForm: Decodable {
        var reason: String?
        var newDueAt: String?
    }

    struct ConsentForm: Decodable {
        /// The browser whose earlier choices the signed-in person's replace.
        var visitorID: UUID?
        var essential: Bool?
        var analytics: Bool?
        var personalization: Bool?
        var policyVersion: String?
    }
}
