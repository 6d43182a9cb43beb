import Foundation
import Hummingbird

/// Accepts a sane `X-Request-Id` or makes one, echoes it on the response, puts it in the logs,
/// and continues (or starts) the W3C trace.
struct RequestIDMiddleware: RouterMiddleware {
    typealias Context = GatewayContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let offered = request.headers[.init("X-Request-Id")!]
        context.requestID = offered.flatMap(Self.isUsable) == true ? offered! : UUID().uuidString.lowercased()
        context.traceparent = request.headers[.init("traceparent")!].flatMap(Self.validTraceparent) ?? Self.newTraceparent()
        context.logger[metadataKey: "correlation_id"] = "\(context.requestID)"
        var response = try await next(request, context)
        response.headers[.init("X-Request-Id")!] = context.requestID
        return response
    }

    /// Printable ASCII without spaces, at most 128 characters: safe to log and to put in headers.
    static func isUsable(_ id: String) -> Bool {
        !id.isEmpty && id.count <= 128 && id.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F }
    }

    static func validTraceparent(_ value: String) -> String? {
        let parts = value.split(separator: "-")
        guard parts.count == 4, parts[0].count == 2, parts[1].count == 32, parts[2].count == 16, parts[3].count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isHexDigit) })
        else { return nil }
        return value.lowercased()
    }

    /// A random trace and span id. Three 64-bit draws, not one per hex digit: each draw from the
    /// system generator is a getrandom(2) call, and 48 of them per request were 7% of the gateway.
    static func newTraceparent() -> String {
        var random = SystemRandomNumberGenerator()
        func hex(_ value: UInt64) -> String {
            let digits = String(value, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }
        return "00-\(hex(random.next()))\(hex(random.next()))-\(hex(random.next()))-01"
    }
}
