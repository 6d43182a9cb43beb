import Foundation
import ServiceRuntime

/// The code that confirms a request staff entered, mailed to the account's registered address:
/// eight random digits, tried at most five times within seven days, kept only as a hash bound to
/// its request.
enum VerificationCode {
    static let lifetime: TimeInterval = 7 * 86400
    static let attempts = 5

    static func generate() -> String {
        var random = SystemRandomNumberGenerator()
        return String(String(UInt32.random(in: 0..<100_000_000, using: &random) + 100_000_000).dropFirst())
    }

    static func hash(_ code: String, of requestID: UUID) -> Data {
        SecretToken.hash("\(requestID.uuidString.lowercased()):\(code)")
    }

    /// Whether `code` could be one of ours; anything else is refused without a database query.
    static func isWellFormed(_ code: String) -> Bool {
        code.utf8.count == 8 && code.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    static func verifyBy(receivedAt: Date) -> Date { receivedAt.addingTimeInterval(lifetime) }
}
