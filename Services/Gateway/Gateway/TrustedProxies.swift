import Foundation
import Hummingbird
import ServiceRuntime

/// The peers allowed to say who the client is (`EXPO_TRUSTED_PROXIES`: addresses or CIDR ranges,
/// comma-separated, IPv4 or IPv6). A request from one of them is attributed to the nearest
/// address in `X-Forwarded-For` that is not itself a trusted proxy; from anyone else the header is
/// ignored, so a client cannot pick the address its rate limits and records are kept under.
public struct TrustedProxies: Sendable {
    struct Range: Sendable {
        let bytes: [UInt8]
        let prefix: Int

        func contains(_ address: [UInt8]) -> Bool {
            guard address.count == bytes.count else { return false }
            var remaining = prefix
            for (a, b) in zip(address, bytes) where remaining > 0 {
                let bits = min(8, remaining)
                let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
                if a & mask != b & mask { return false }
                remaining -= bits
            }
            return true
        }
    }

    let ranges: [Range]

    public init(_ list: String, variable: String = "EXPO_TRUSTED_PROXIES") throws {
        ranges = try list.split(separator: ",").map { item in
            let parts = item.trimmingCharacters(in: .whitespaces).split(separator: "/", maxSplits: 1).map(String.init)
            guard let bytes = Self.bytes(of: parts[0]) else { throw ConfigurationError(variable, "'\(item)' is not an IP address or CIDR range") }
            let prefix = parts.count == 2 ? Int(parts[1]) : bytes.count * 8
            guard let prefix, (0...(bytes.count * 8)).contains(prefix) else {
                throw ConfigurationError(variable, "'\(item)' has a prefix length out of range")
            }
            return Range(bytes: bytes, prefix: prefix)
        }
    }

    private func isTrusted(_ address: [UInt8]) -> Bool {
        ranges.contains { $0.contains(address) }
    }

    /// The client's address: the peer's, or, when the peer is a trusted proxy, the right-most
    /// valid `X-Forwarded-For` entry that is not a trusted proxy.
    func client(peer: String?, forwardedFor: [String]) -> String? {
        guard let peer, !ranges.isEmpty, let peerBytes = Self.bytes(of: peer), isTrusted(peerBytes) else { return peer }
        var client = peer
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        for hop in hops.reversed() {
            guard let bytes = Self.bytes(of: hop) else { break }
            client = hop
            if !isTrusted(bytes) { break }
        }
        return client
    }

    /// The address's bytes (4 for IPv4, 16 for IPv6), or nil if it is not one.
    static func bytes(of address: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, address, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, address, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }
}

/// Works out the client's address once (`TrustedProxies`) for the rate limits and the records
/// that keep it (sign-ins, consent).
struct ClientAddressMiddleware: RouterMiddleware {
    typealias Context = GatewayContext

    let proxies: TrustedProxies

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.clientAddress = proxies.client(
            peer: context.remoteAddress?.ipAddress, forwardedFor: request.headers[values: .init("X-Forwarded-For")!])
        return try await next(request, context)
    }
}
