import Contracts
import Foundation
import Hummingbird
import MessageBus

/// The marketing part of the HTTP API (API.md, "Marketing and mail"): each person's subscriptions
/// and the double opt-in link. Where the request came from is kept with each change as proof.
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
    }

    struct StatusForm: Decodable {
        var status: String?
    }
}
