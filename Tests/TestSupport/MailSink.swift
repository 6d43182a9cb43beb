import Foundation

/// A recipient address nobody else's test uses (the sink's folder is shared by every test).
public func uniqueAddress(_ prefix: String = "mail", domain: String = "example.com") -> String {
    "\(uniqueName(prefix).replacingOccurrences(of: "_", with: "-"))@\(domain)"
}

/// The mail the stack's SMTP sink (deploy/mail/sink.py) received: one `.eml` file per mail, its
/// envelope in `X-Sink-*` headers. Tests use unique recipient addresses, so they never see each
/// other's mail.
public enum MailSink {
    /// One received mail, its MIME parts decoded.
    public struct Mail: Sendable {
        public let file: String
        public let envelopeRecipients: [String]
        /// Top-level headers in order (unfolded), names as sent.
        public let headers: [(name: String, value: String)]
        public let text: String?
        public let html: String?

        public func header(_ name: String) -> String? {
            headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
        }
    }

    /// Files are named by the UTC time they arrived: a test run reads only the last hour's (longer
    /// than any run, counted from its first look), not the folder's whole history.
    private static let runStarted: String = {
        let start = Date(timeIntervalSinceNow: -3600)
        return start.formatted(Date.VerbatimFormatStyle(
            format: "\(year: .defaultDigits)\(month: .twoDigits)\(day: .twoDigits)T\(hour: .twoDigits(clock: .twentyFourHour, hourCycle: .zeroBased))\(minute: .twoDigits)\(second: .twoDigits)",
            timeZone: .gmt, calendar: Calendar(identifier: .gregorian)))
    }()

    /// Every mail received for `recipient` during this test run, oldest first.
    public static func mails(to recipient: String) throws -> [Mail] {
        let folder = TestEnvironment.mailSinkFolder
        let since = runStarted
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".eml") && $0 >= since }.sorted()
        return try names.compactMap { name in
            let raw = try String(contentsOfFile: folder + "/" + name, encoding: .utf8)
            guard raw.contains("X-Sink-Rcpt-To: \(recipient)\r\n") else { return nil }
            return parse(raw, file: name)
        }.filter { $0.envelopeRecipients.contains(recipient) }
    }

    /// Waits until `count` mails arrived for `recipient` and returns them.
    public static func waitForMails(to recipient: String, count: Int = 1, timeout: Duration = .seconds(20)) async throws -> [Mail] {
        var found: [Mail] = []
        _ = try await eventually(timeout: timeout) {
            found = try mails(to: recipient)
            return found.count >= count
        }
        return found
    }

    /// Waits for the first mail to `recipient` with `subject`; throws if none arrives in time.
    public static func waitForMail(to recipient: String, subject: String, timeout: Duration = .seconds(30)) async throws -> Mail {
        var found: Mail?
        _ = try await eventually(timeout: timeout) {
            found = try mails(to: recipient).first { $0.header("Subject") == subject }
            return found != nil
        }
        guard let found else { throw TestFailure("no mail \"\(subject)\" reached \(recipient)") }
        return found
    }

    static func parse(_ raw: String, file: String) -> Mail {
        let (head, body) = split(raw)
        let headers = parseHeaders(head)
        var text: String?
        var html: String?
        let contentType = headers.first { $0.name.lowercased() == "content-type" }?.value ?? "text/plain"
        if let range = contentType.range(of: "boundary=\"") {
            let boundary = String(contentType[range.upperBound...].prefix { $0 != "\"" })
            for part in body.components(separatedBy: "--" + boundary).dropFirst() where !part.hasPrefix("--") {
                let (partHead, partBody) = split(String(part.drop { $0 == "\r" || $0 == "\n" }))
                let partHeaders = parseHeaders(partHead)
                let type = partHeaders.first { $0.name.lowercased() == "content-type" }?.value ?? ""
                let encoding = partHeaders.first { $0.name.lowercased() == "content-transfer-encoding" }?.value.lowercased()
                let decoded = encoding == "base64"
                    ? Data(base64Encoded: partBody.filter { !$0.isWhitespace }).map { String(decoding: $0, as: UTF8.self) }
                    : partBody
                if type.hasPrefix("text/plain") { text = decoded } else if type.hasPrefix("text/html") { html = decoded }
            }
        } else {
            text = body
        }
        return Mail(
            file: file, envelopeRecipients: headers.filter { $0.name == "X-Sink-Rcpt-To" }.map(\.value),
            headers: headers, text: text?.replacingOccurrences(of: "\r\n", with: "\n"), html: html?.replacingOccurrences(of: "\r\n", with: "\n"))
    }

    private static func split(_ raw: String) -> (head: String, body: String) {
        guard let range = raw.range(of: "\r\n\r\n") else { return (raw, "") }
        return (String(raw[..<range.lowerBound]), String(raw[range.upperBound...]))
    }

    private static func parseHeaders(_ head: String) -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = []
        for line in head.components(separatedBy: "\r\n") {
            if line.first == " " || line.first == "\t", !headers.isEmpty {
                headers[headers.count - 1].value += " " + line.trimmingCharacters(in: .whitespaces)
            } else if let colon = line.firstIndex(of: ":") {
                headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
            }
        }
        return headers
    }
}

extension MailSink.Mail {
    /// The delivery status notification (RFC 3464) a receiving system would send back for this
    /// mail, as Postfix words it: `Action: failed` with `status` for its recipient, or another action.
    public func deliveryStatusNotification(status: String = "5.1.1", action: String = "failed") -> String {
        MailSink.deliveryStatusNotification(
            messageID: header("Message-ID") ?? "", recipient: envelopeRecipients.first ?? "", status: status, action: action)
    }
}

extension MailSink {
    /// A delivery status notification about the mail `messageID` to `recipient`.
    public static func deliveryStatusNotification(messageID: String, recipient: String, status: String, action: String) -> String {
        let boundary = "8A1C31E0F2.1733356800/mx.example"
        return """
            From: MAILER-DAEMON@mx.example (Mail Delivery System)
            Subject: Undelivered Mail Returned to Sender
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=delivery-status;
            \tboundary="\(boundary)"

            --\(boundary)
            Content-Description: Notification
            Content-Type: text/plain; charset=us-ascii

            This is the mail system at host mx.example. Your message could not be delivered.

            --\(boundary)
            Content-Description: Delivery report
            Content-Type: message/delivery-status

            Reporting-MTA: dns; mx.example
            Arrival-Date: Fri,  4 Dec 2026 21:00:00 +0000 (UTC)

            Final-Recipient: rfc822; \(recipient)
            Original-Recipient: rfc822;\(recipient)
            Action: \(action)
            Status: \(status)
            Diagnostic-Code: smtp; 550 5.1.1 <\(recipient)>: Recipient address
                rejected: User unknown in virtual mailbox table

            --\(boundary)
            Content-Description: Undelivered Message Headers
            Content-Type: text/rfc822-headers

            Message-ID: \(messageID)

            --\(boundary)--

            """.replacingOccurrences(of: "\n", with: "\r\n")
    }
}
