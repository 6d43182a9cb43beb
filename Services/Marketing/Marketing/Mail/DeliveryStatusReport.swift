import Contracts
import Foundation

/// A delivery status notification (RFC 3464) as a bounce mailbox receives it: a
/// `multipart/report; report-type=delivery-status` whose `message/delivery-status` part holds a
/// group of fields per recipient, and whose returned message (`message/rfc822` or
/// `text/rfc822-headers`) carries the bounced mail's `Message-ID`. Only recipients with
/// `Action: failed` and a 5.x.x status are bounces; delays and temporary failures are not.
public enum DeliveryStatusReport {
    public struct Unreadable: Error, CustomStringConvertible {
        public let description: String
    }

    /// The permanent failures the report names, one per recipient.
    public static func bounces(in message: String) throws -> [RecordBounce] {
        let (headers, body) = split(message.replacingOccurrences(of: "\r\n", with: "\n"))
        let type = headers["content-type"] ?? ""
        guard type.lowercased().hasPrefix("multipart/report"), parameter("report-type", of: type)?.lowercased() == "delivery-status",
              let boundary = parameter("boundary", of: type)
        else { throw Unreadable(description: "not a delivery status notification (multipart/report; report-type=delivery-status)") }
        var groups: [[String: String]] = []
        var messageID: String?
        for part in parts(of: body, boundary: boundary) {
            let (partHeaders, content) = split(part)
            let partType = (partHeaders["content-type"] ?? "text/plain").lowercased()
            if partType.hasPrefix("message/delivery-status") {
                groups = content.components(separatedBy: "\n\n").map { split($0 + "\n\n").headers }.filter { !$0.isEmpty }
            } else if partType.hasPrefix("message/rfc822") || partType.hasPrefix("text/rfc822-headers") {
                messageID = split(content).headers["message-id"]
            }
        }
        guard !groups.isEmpty else { throw Unreadable(description: "the report has no message/delivery-status part") }
        // The first group is about the message, the others each about one recipient.
        return groups.dropFirst().compactMap { fields in
            guard fields["action"]?.lowercased() == "failed", let status = fields["status"].map(firstWord), status.hasPrefix("5."),
                  let recipient = (fields["original-recipient"] ?? fields["final-recipient"]).map(address)
            else { return nil }
            return RecordBounce(messageID: messageID, recipient: recipient, status: status, diagnostic: fields["diagnostic-code"].map(address))
        }
    }

    /// Header fields (names in lower case, folded lines joined; the first of a repeated name) and the body.
    static func split(_ text: String) -> (headers: [String: String], body: String) {
        var headers: [String: String] = [:]
        var last: String?
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)[...]
        while let line = lines.popFirst(), !line.isEmpty {
            if line.first == " " || line.first == "\t", let name = last {
                headers[name, default: ""] += " " + line.trimmingCharacters(in: .whitespaces)
            } else if let colon = line.firstIndex(of: ":") {
                let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
                last = headers[name] == nil ? name : nil
                if headers[name] == nil { headers[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces) }
            }
        }
        return (headers, lines.joined(separator: "\n"))
    }

    /// A `Content-Type` parameter's value, quoted or not.
    static func parameter(_ name: String, of header: String) -> String? {
        for piece in header.split(separator: ";").dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == name else { continue }
            return pair[1].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        return nil
    }

    /// The parts between `--boundary` lines, up to the closing `--boundary--`.
    static func parts(of body: String, boundary: String) -> [String] {
        var parts: [String] = []
        var current: [Substring]?
        for line in body.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed == "--\(boundary)" || trimmed == "--\(boundary)--" {
                if let current { parts.append(current.joined(separator: "\n")) }
                if trimmed == "--\(boundary)--" { return parts }
                current = []
            } else {
                current?.append(line)
            }
        }
        return parts
    }

    /// `rfc822; someone@example.com` (a typed address, or a typed diagnostic) without its type.
    static func address(_ field: String) -> String {
        guard let semicolon = field.firstIndex(of: ";") else { return field.trimmingCharacters(in: .whitespaces) }
        return field[field.index(after: semicolon)...].trimmingCharacters(in: .whitespaces)
    }

    static func firstWord(_ field: String) -> String {
        String(field.split(separator: " ").first ?? "")
    }
}
