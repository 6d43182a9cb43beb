import Foundation

/// `marketing.record-bounce.v1` on `expo.commands`: a mail the relay had accepted could not be
/// delivered after all, and will not be (a delivery status notification with `Action: failed`
/// and a 5.x.x status, or a relay's bounce webhook). The address is suppressed from then on and
/// the mail, if still on record, is marked bounced. A repeat changes nothing. Published by
/// `expo-campaign bounce` from a bounce mailbox's reports, or by a relay's webhook adapter.
public struct RecordBounce: CommandContract {
    public static let type: MessageType = "marketing.record-bounce.v1"

    /// The bounced mail's `Message-ID`, with or without its angle brackets.
    public var messageID: String?
    /// The address that bounced.
    public var recipient: String
    /// The enhanced status code (RFC 3463), `5.x.x`.
    public var status: String
    /// What the receiving side said (the report's `Diagnostic-Code`), if anything.
    public var diagnostic: String?

    enum CodingKeys: String, CodingKey {
        case messageID = "messageId", recipient, status, diagnostic
    }

    public init(messageID: String?, recipient: String, status: String, diagnostic: String?) {
        self.messageID = messageID
        self.recipient = recipient
        self.status = status
        self.diagnostic = diagnostic
    }
}
