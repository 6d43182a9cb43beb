import Contracts
import Crypto
import Foundation

/// The one-click unsubscribe links every marketing mail (and every reminder) carries: the token
/// names the person and the topic and is signed with HMAC-SHA256 under the mail signing key, so
/// nothing is stored per mail and a forged or altered token is refused.
struct UnsubscribeLinks: Sendable {
    private let key: SymmetricKey

    init(signingKey: String) {
        key = SymmetricKey(data: SHA256.hash(data: Data(signingKey.utf8)))
    }

    /// base64url of the account id (16 bytes), the topic's position (1 byte) and the first 16 bytes of their MAC.
    func token(for accountID: UUID, topic: SubscriptionTopic) -> String {
        let payload = withUnsafeBytes(of: accountID.uuid) { Data($0) } + [UInt8(SubscriptionTopic.allCases.firstIndex(of: topic)!)]
        let mac = Data(HMAC<SHA256>.authenticationCode(for: payload, using: key)).prefix(16)
        return (payload + mac).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// The person and topic a genuine token names; nil for anything else.
    func verify(_ token: String) -> (accountID: UUID, topic: SubscriptionTopic)? {
        let base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        guard token.utf8.count == 44, let bytes = Data(base64Encoded: base64), bytes.count == 33 else { return nil }
        let payload = bytes.prefix(17)
        guard Self.constantTimeEqual(Data(HMAC<SHA256>.authenticationCode(for: payload, using: key)).prefix(16), bytes.suffix(16)),
              Int(payload.last!) < SubscriptionTopic.allCases.count
        else { return nil }
        let uuid = payload.prefix(16).withUnsafeBytes { $0.loadUnaligned(as: uuid_t.self) }
        return (UUID(uuid: uuid), SubscriptionTopic.allCases[Int(payload.last!)])
    }

    private static func constantTimeEqual(_ a: Data, _ b: Data) -> Bool {
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
