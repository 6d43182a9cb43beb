import Contracts
import Foundation
import ServiceRuntime

/// What a message may hold: text up to 4,000 characters (validated like every other text), and
/// up to ten attachment references with a name, a media type, a size and an https URL.
enum MessageRules {
    static let maxText = 4000
    static let maxAttachments = 10

    struct Content {
        var text: String
        var attachments: [Attachment]
    }

    static func text(_ value: String?, checks: inout FieldChecks) -> String? {
        checks.requiredLines("text", value, maxLength: maxText)
    }

    static func content(_ fields: MessageFields, checks: inout FieldChecks) -> Content? {
        let text = text(fields.text, checks: &checks)
        let attachments = attachments(fields.attachments, checks: &checks)
        guard let text, let attachments else { return nil }
        return Content(text: text, attachments: attachments)
    }

    static func attachments(_ list: [AttachmentFields]?, checks: inout FieldChecks) -> [Attachment]? {
        let list = list ?? []
        if list.count > maxAttachments {
            checks.fail("attachments", "must have at most \(maxAttachments) items")
            return nil
        }
        var result: [Attachment] = []
        let before = checks.errors.count
        for (index, item) in list.enumerated() {
            if let attachment = checks.attachment("attachments[\(index)]", item) { result.append(attachment) }
        }
        return checks.errors.count > before ? nil : result
    }

    /// Whether the text seems to pass contact details around the platform: an email address, a
    /// telephone number (seven or more digits, with the usual separators) or a messenger handle.
    static func mentionsContactDetails(_ text: String) -> Bool {
        let lowered = text.lowercased()
        if lowered.contains(/[a-z0-9._%+-]+\s*(@|\(at\)|\[at\])\s*[a-z0-9-]+(\.|\s*\(dot\)\s*)[a-z]{2,}/) { return true }
        for match in lowered.matches(of: /\+?[0-9][0-9 ().\/-]{5,}[0-9]/) where match.output.filter(\.isNumber).count >= 7 { return true }
        return lowered.contains(/\b(whatsapp|wechat|weixin|skype|telegram|viber)\b/) || lowered.contains(/(^|\s)@[a-z0-9_]{3,}/)
    }
}
