import Foundation
import Hummingbird
import Metrics
import ServiceRuntime

/// One log line and one latency sample per request: the method, the route it matched (its
/// template, such as `/v1/email-verifications/{token}`, never the path itself, which can hold a
/// mailed secret), the status and the time taken. The request id is already in the logger's
/// metadata; the client's address and user agent are personal data and stay out. The samples
/// are `expo_http_request_seconds{method,route,status}` on the ops port's `/metrics`.
struct AccessLogMiddleware: RouterMiddleware {
    typealias Context = GatewayContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        do {
            let response = try await next(request, context)
            record(request, context, status: Int(response.status.code), since: started)
            return response
        } catch {
            record(request, context, status: 500, since: started)
            throw error
        }
    }

    private func record(_ request: Request, _ context: Context, status: Int, since started: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - started
        let route = Self.route(of: request, matched: context.endpointPath)
        Timer(label: "expo_http_request_seconds", dimensions: [("method", request.method.rawValue), ("route", route), ("status", "\(status)")])
            .recordSeconds(elapsed.seconds)
        context.logger.info("request", metadata: [
            "method": "\(request.method.rawValue)", "route": "\(route)", "status": "\(status)",
            "ms": "\(String(format: "%.1f", elapsed.seconds * 1000))",
        ])
    }

    /// The matched route's template; `web-app` for the app's pages and files; `unmatched` otherwise
    /// (a bounded set of labels whatever paths clients send).
    static func route(of request: Request, matched: String?) -> String {
        if let matched, matched != "NotFound" { return matched }
        let path = request.uri.path
        return path.hasPrefix("/v1/") || path.hasPrefix("/health/") || path.hasPrefix("/openapi.") ? "unmatched" : "web-app"
    }
}
