import Foundation

/// One rendered mail, composed as the RFC 5322 / MIME message the relay receives: a
/// `multipart/alternative` with a plain-text and an HTML part, both UTF-8 in base64 (safe
/// through any relay), and the subject as an RFC 2047 encoded word when it is not ASCII.
struct MailMessage: Sendable {
    var from: String
    /// The recipient's address (the envelope's too) and, for the `To:` header, their name.
    var to: String
    var toName: String?
    var subject: String
    var text: String
    var html: String
    /// Extra headers in order (e.g. `List-Unsubscribe`); names and values are checked when composed.
    var headers: [(name: String, value: String)] = []

    /// The message's bytes, with CRLF line ends. `id` becomes the `Message-ID`, so a mail sent again
    /// after a crash carries the same one and receivers can tell it is a repeat.
    func composed(id: UUID, date: Date, domain: String) -> [UInt8] {
        let boundary = "=_expo_" + id.uuidString.lowercased()
        var lines = [
            "From: \(Self.headerValue(from))",
            "To: \(Self.mailbox(name: toName, address: to))",
            "Subject: \(Self.encodedWord(subject))",
            "Date: \(Self.rfc5322Date(date))",
            "Message-ID: <\(id.uuidString.lowercased())@\(domain)>",
            "MIME-Version: 1.0",
        ]
        for header in headers { lines.append("\(header.name): \(Self.headerValue(header.value))") }
        lines += ["Content-Type: multipart/alternative; boundary=\"\(boundary)\"", ""]
        for (type, body) in [("text/plain", text), ("text/html", html)] {
            lines += ["--\(boundary)", "Content-Type: \(type); charset=utf-8", "Content-Transfer-Encoding: base64", ""]
            lines += Self.base64Lines(Self.crlf(body))
        }
        lines += ["--\(boundary)--", ""]
        return Array(lines.joined(separator: "\r\n").utf8)
    }

    /// Header values are single lines: a line break in a value would start a header of its own.
    static func headerValue(_ value: String) -> String {
        String(value.map { $0 == "\r" || $0 == "\n" ? " " : $0 })
    }

    /// `"Name" <address>`: an ASCII name quoted, any other as an encoded word.
    static func mailbox(name: String?, address: String) -> String {
        guard let name = name.map(headerValue), !name.isEmpty else { return headerValue(address) }
        let display = name.allSatisfy(\.isASCII)
            ? "\"" + name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
            : encodedWord(name)
        return "\(display) <\(headerValue(address))>"
    }

    static func encodedWord(_ text: String) -> String {
        let line = headerValue(text)
        if line.allSatisfy({ $0.isASCII }) { return line }
        return "=?UTF-8?B?\(Data(line.utf8).base64EncodedString())?="
    }

    private static func crlf(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
    }

    private static func base64Lines(_ text: String) -> [String] {
        let encoded = Data(text.utf8).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        return encoded.components(separatedBy: "\r\n")
    }

    private static func rfc5322Date(_ date: Date) -> String {
        date.formatted(Date.VerbatimFormatStyle(
            format: "\(weekday: .abbreviated), \(day: .twoDigits) \(month: .abbreviated) \(year: .defaultDigits) \(hour: .twoDigits(clock: .twentyFourHour, hourCycle: .zeroBased)):\(minute: .twoDigits):\(second: .twoDigits) +0000",
            locale: Locale(identifier: "en_US_POSIX"), timeZone: .gmt, calendar: Calendar(identifier: .gregorian)))
    }
}
