import Crypto
import Foundation
import _CryptoExtras

/// DKIM (RFC 6376): signs a composed mail with the platform's RSA key, `rsa-sha256` with
/// `relaxed/relaxed` canonicalization, so receivers can check the mail comes from the domain's
/// owner unaltered. The signature covers the headers a receiver shows or acts on, the one-click
/// unsubscribe pair among them (RFC 8058 asks for it), and the whole body. Receivers find the
/// public key in DNS at `<selector>._domainkey.<domain>` (the README says how to publish it).
struct DKIMSigner: Sendable {
    let domain: String
    let selector: String
    private let key: _RSA.Signing.PrivateKey

    /// The headers signed, in this order, when the mail has them.
    static let signedHeaders = [
        "from", "to", "subject", "date", "message-id", "mime-version", "content-type", "list-unsubscribe", "list-unsubscribe-post",
    ]

    /// `pem`: the private key as PKCS#1 (`BEGIN RSA PRIVATE KEY`) or PKCS#8 (`BEGIN PRIVATE KEY`), at least 2048 bits.
    init(domain: String, selector: String, pem: String) throws {
        self.domain = domain
        self.selector = selector
        key = try _RSA.Signing.PrivateKey(pemRepresentation: pem)
    }

    /// The DNS TXT record receivers look up: `v=DKIM1; k=rsa; p=<the public key>`.
    var dnsRecord: String {
        "v=DKIM1; k=rsa; p=\(key.publicKey.derRepresentation.base64EncodedString())"
    }

    /// `message` (CRLF line ends, as `MailMessage.composed` makes it) with a `DKIM-Signature`
    /// header in front.
    func sign(_ message: [UInt8], at time: Date = Date()) throws -> [UInt8] {
        let text = String(decoding: message, as: UTF8.self)
        guard let end = text.range(of: "\r\n\r\n") else { return message }
        let headers = Self.fields(String(text[..<end.lowerBound]))
        let body = String(text[end.upperBound...])
        let bodyHash = Data(SHA256.hash(data: Data(Self.relaxedBody(body).utf8))).base64EncodedString()
        // The last instance of each signed header, as a verifier picks them (RFC 6376 §5.4.2).
        let signed = Self.signedHeaders.compactMap { name in headers.last { $0.name.lowercased() == name } }
        let value = "v=1; a=rsa-sha256; c=relaxed/relaxed; d=\(domain); s=\(selector); t=\(Int(time.timeIntervalSince1970));\r\n"
            + "\th=\(signed.map { $0.name.lowercased() }.joined(separator: ":"));\r\n\tbh=\(bodyHash);\r\n\tb="
        // The signature covers the signed headers and this header with `b=` still empty, without its CRLF.
        let input = signed.map { Self.relaxedHeader($0.name, $0.value) + "\r\n" }.joined() + Self.relaxedHeader("DKIM-Signature", value)
        let signature = try key.signature(for: Data(input.utf8), padding: .insecurePKCS1v1_5).rawRepresentation.base64EncodedString()
        let folded = stride(from: 0, to: signature.count, by: 72).map { offset in
            let start = signature.index(signature.startIndex, offsetBy: offset)
            return String(signature[start..<(signature.index(start, offsetBy: 72, limitedBy: signature.endIndex) ?? signature.endIndex)])
        }.joined(separator: "\r\n\t ")
        return Array("DKIM-Signature: \(value)\(folded)\r\n".utf8) + message
    }

    /// The header block's fields, continuation lines kept in their values.
    static func fields(_ block: String) -> [(name: String, value: String)] {
        var fields: [(name: String, value: String)] = []
        for line in block.components(separatedBy: "\r\n") {
            if line.first == " " || line.first == "\t", !fields.isEmpty {
                fields[fields.count - 1].value += "\r\n" + line
            } else if let colon = line.firstIndex(of: ":") {
                fields.append((String(line[..<colon]), String(line[line.index(after: colon)...])))
            }
        }
        return fields
    }

    /// RFC 6376 §3.4.2: lower-case name, unfolded value with runs of white space as one space,
    /// none at either end, and none around the colon.
    static func relaxedHeader(_ name: String, _ value: String) -> String {
        let unfolded = value.replacingOccurrences(of: "\r\n", with: "")
        return name.lowercased().trimmingCharacters(in: .whitespaces) + ":" + collapse(unfolded).trimmingCharacters(in: .whitespaces)
    }

    /// RFC 6376 §3.4.4: runs of white space in a line as one space, none at line ends, no empty
    /// lines at the end, and a non-empty body ending in CRLF.
    static func relaxedBody(_ body: String) -> String {
        var lines = body.components(separatedBy: "\r\n").map { line in
            var line = collapse(line)
            while line.last == " " { line.removeLast() }
            return line
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines.isEmpty ? "" : lines.joined(separator: "\r\n") + "\r\n"
    }

    private static func collapse(_ text: String) -> String {
        var result = ""
        var inSpace = false
        for character in text {
            if character == " " || character == "\t" {
                if !inSpace { result.append(" ") }
                inSpace = true
            } else {
                result.append(character)
                inSpace = false
            }
        }
        return result
    }
}
