import Contracts
import Foundation
import Hummingbird
import MessageBus

/// The marketing part of the HTTP API (API.md, "Marketing and mail"): each person's subscriptions,
/// the double opt-in link, one-click unsubscribe, and the staff's campaigns. Where the request came from is kept with each change as proof.
struct MarketingRoutes {
    let forwarder: RPCForwarder

    func add(to router: Router<GatewayContext>) {
        router.forward(.get, "/v1/me/subscriptions", by: forwarder) { _, _ in ListSubscriptions() }
        router.forward(.put, "/v1/me/subscriptions/:topic", by: forwarder) { request, context in
            let body = try await forwarder.decode(StatusForm.self, request)
            return SetSubscription(topic: context.parameters.get("topic") ?? "", status: body.status, client: context.client(of: request))
        }
        // RFC 8058: mail clients POST `List-Unsubscribe=One-Click` (a form body nobody needs to read)
        // without any sign-in; GET only describes.
        router.forward(.get, "/v1/unsubscribe/:token", by: forwarder) { _, context in
            DescribeUnsubscribe(token: context.parameters.get("token") ?? "")
        }
        router.forward(.post, "/v1/unsubscribe/:token", by: forwarder) { request, context in
            Unsubscribe(token: context.parameters.get("token") ?? "", client: context.client(of: request))
        }
        router.forward(.post, "/v1/subscriptions/confirmations/:token", by: forwarder, status: .noContent) { request, context in
            ConfirmSubscription(token: context.parameters.get("token") ?? "", client: context.client(of: request))
        }
        router.forward(.post, "/v1/admin/campaigns", by: forwarder, status: .created) { request, _ in
            let form = try await forwarder.decode(CampaignForm.self, request)
            return CreateCampaign(campaign: form.trigger)
        }
        router.forward(.get, "/v1/admin/campaigns", by: forwarder) { request, _ in ListCampaigns(page: try request.pageRequest()) }
        router.forward(.get, "/v1/admin/campaigns/:id", by: forwarder) { _, context in
            GetCampaign(campaignID: try context.pathID("no campaign with this id"))
        }
        router.forward(.get, "/v1/admin/campaigns/:id/audience", by: forwarder) { _, context in
            PreviewCampaignAudience(campaignID: try context.pathID("no campaign with this id"))
        }
        for action in CampaignAction.allCases {
            router.forward(.post, "/v1/admin/campaigns/:id/\(action.rawValue)", by: forwarder) { _, context in
                ChangeCampaign(campaignID: try context.pathID("no campaign with this id"), action: action)
            }
        }
    }

    /// The queue's trigger; staff may leave the id to the platform. A missing text is empty here,
    /// for the service to name among the invalid fields.
    struct CampaignForm: Decodable {
        var campaignId: UUID?
        var name: String?
        var topic: String?
        var subject: String?
        var html: String?
        var text: String?
        var language: String?
        var audience: CampaignAudience?
        var sendAt: Date?
        var maxPerSecond: Int?

        var trigger: TriggerCampaign {
            TriggerCampaign(
                campaignID: campaignId ?? UUID(), name: name ?? "", topic: topic ?? "", subject: subject ?? "", html: html ?? "",
                text: text ?? "", language: language,
                audience: audience ?? CampaignAudience(), sendAt: sendAt, maxPerSecond: maxPerSecond)
        }
    }

    struct StatusForm: Decodable {
        var status: String?
    }
}
