import Foundation
@testable import Gateway
import Hummingbird
import HummingbirdTesting
import ServiceRuntime
import Testing
import TestSupport

/// Who a request is counted against: anonymous traffic per address, token holders per account (so
/// one script cannot throttle a whole office behind one address), refused tokens per address; and
/// the address itself, taken from `X-Forwarded-For` only when a trusted proxy sent it.
@Suite struct ClientLimitTests {
    static let limited = ["EXPO_RATE_LIMIT_PER_MINUTE": "12", "EXPO_ACCOUNT_RATE_LIMIT_PER_MINUTE": "600"]  // a burst of 2 per address

    func statuses(_ client: some TestClientProtocol, _ count: Int, headers: HTTPFields = [:]) async throws -> [UInt] {
        var statuses: [UInt] = []
        for _ in 0..<count {
            try await client.execute(uri: "/health/live", method: .get, headers: headers) { statuses.append(UInt($0.status.code)) }
        }
        return statuses
    }

    @Test func anAddressOutOfRequestsDoesNotStopItsSignedInPeople() async throws {
        try await gatewayApp(Self.limited, authenticator: OneToken()).test(.router) { client in
            let anonymous = try await statuses(client, 3)
            #expect(anonymous == [200, 200, 429], "anonymous traffic is limited per address")
            let signedIn = try await statuses(client, 5, headers: [.authorization: "Bearer good-token"])
            #expect(signedIn == [200, 200, 200, 200, 200], "a colleague with a token from the same address is counted against their account")
        }
    }

    @Test func refusedTokensAreCountedAgainstTheAddress() async throws {
        try await gatewayApp(Self.limited, authenticator: OneToken()).test(.router) { client in
            let guessedTokens = try await statuses(client, 3, headers: [.authorization: "Bearer guessed"])
            #expect(guessedTokens == [401, 401, 429])
            let guessedCookie = try await statuses(client, 1, headers: [.cookie: "expo_session=guessed"])
            #expect(guessedCookie == [429], "a guessed cookie is charged like a guessed token")
        }
    }

    @Test func forwardedForCountsOnlyFromATrustedProxy() throws {
        let proxies = try TrustedProxies("10.0.0.0/8, 2001:db8::/32, 192.0.2.7")
        #expect(proxies.client(peer: "10.1.2.3", forwardedFor: ["198.51.100.4, 10.9.9.9"]) == "198.51.100.4",
                "through two trusted proxies: the first address that is not one")
        #expect(proxies.client(peer: "192.0.2.7", forwardedFor: ["spoofed, 203.0.113.5"]) == "203.0.113.5",
                "what a client wrote before the trusted hops is not believed")
        #expect(proxies.client(peer: "198.51.100.4", forwardedFor: ["203.0.113.5"]) == "198.51.100.4",
                "from an untrusted peer the header is ignored")
        #expect(proxies.client(peer: "2001:db8::1", forwardedFor: ["2001:db8::2", "not an address"]) == "2001:db8::1",
                "an unreadable hop ends the walk at the last trusted one")
        let none = try TrustedProxies("")
        #expect(none.client(peer: "10.1.2.3", forwardedFor: ["198.51.100.4"]) == "10.1.2.3", "none trusted by default")
        #expect(throws: ConfigurationError.self) { try TrustedProxies("10.0.0.0/33") }
        #expect(throws: ConfigurationError.self) { try TrustedProxies("proxy.example") }
    }
}
