import Contracts
import HummingbirdCore

/// Reads a connection's first request head byte by byte, as it arrives and before the HTTP
/// decoder does, to refuse what the decoder would otherwise leave hanging: a target longer than
/// any route (414), too many or too large header lines (431) and `CONNECT` (405: this is no
/// proxy). It also notes the connection's HTTP version, and an HTTP/1.0 request that did not ask to
/// keep the connection, which is closed after its answer. Later requests meet the same limits in
/// the HTTP decoder and `ConnectionGuard`.
struct RequestHeadScan {
    enum Outcome: Equatable {
        case reading
        case complete(http10: Bool, closeAfterAnswer: Bool)
        case refused(Problem)
    }

    static let maxTargetLine = 8 * 1024
    static let maxHeaderLine = 16 * 1024
    static let maxHeaderLines = 100
    /// The whole head; also the HTTP decoder's limits for every later request (`decoderLimits`).
    static let maxHead = 64 * 1024
    static let decoderLimits = HTTP1Channel.Configuration.DecoderConfiguration(
        maxHeaderFieldSize: maxHeaderLine, maxHeaderListSize: maxHead, maxHeaderFieldCount: maxHeaderLines - 1)

    private var started = false
    private var lineLength = 0
    /// The current line's first bytes (a header's name, the request line's method).
    private var linePrefix: [UInt8] = []
    /// The current line's last bytes (the request line's version).
    private var lineSuffix: [UInt8] = []
    private var lines = 0
    private var headBytes = 0
    private var http10 = false
    private var keepAlive = false
    private var lastByte: UInt8 = 0

    /// Reads one more byte of the head.
    mutating func read(_ byte: UInt8) -> Outcome {
        // Empty lines before the request line are allowed (RFC 9112 §2.2).
        if !started, byte == 13 || byte == 10 { return .reading }
        started = true
        defer { lastByte = byte }
        if byte == 10 {
            if lineLength == 0 || (lineLength == 1 && lastByte == 13) { return finish() }
            if let refusal = endLine() { return .refused(refusal) }
            lineLength = 0
            linePrefix.removeAll(keepingCapacity: true)
            lineSuffix.removeAll(keepingCapacity: true)
            return .reading
        }
        lineLength += 1
        headBytes += 1
        if headBytes > Self.maxHead { return .refused(Self.headersTooLarge("the head is larger than \(Self.maxHead / 1024) KiB")) }
        if linePrefix.count < 16 { linePrefix.append(byte) }
        if byte != 13 {
            lineSuffix.append(byte)
            if lineSuffix.count > 24 { lineSuffix.removeFirst() }
        }
        if lines == 0, lineLength > Self.maxTargetLine {
            return .refused(Problem(status: 414, code: .uriTooLong, title: "URI Too Long",
                                    detail: "the request target is longer than \(Self.maxTargetLine) bytes"))
        }
        if lines > 0, lineLength > Self.maxHeaderLine {
            return .refused(Self.headersTooLarge("a header line is longer than \(Self.maxHeaderLine) bytes"))
        }
        return .reading
    }

    private mutating func endLine() -> Problem? {
        defer { lines += 1 }
        let text = String(decoding: linePrefix, as: UTF8.self).lowercased()
        if lines == 0 {
            if text.hasPrefix("connect ") {
                return Problem(status: 405, code: .methodNotAllowed, title: "Method not allowed",
                               detail: "CONNECT: the gateway is not a proxy")
            }
            http10 = String(decoding: lineSuffix, as: UTF8.self).hasSuffix("HTTP/1.0")
            return nil
        }
        if lines >= Self.maxHeaderLines { return Self.headersTooLarge("more than \(Self.maxHeaderLines - 1) header lines") }
        if text.hasPrefix("connection:"), String(decoding: lineSuffix, as: UTF8.self).lowercased().contains("keep-alive") { keepAlive = true }
        return nil
    }

    private func finish() -> Outcome {
        .complete(http10: http10, closeAfterAnswer: http10 && !keepAlive)
    }

    static func headersTooLarge(_ detail: String) -> Problem {
        Problem(status: 431, code: .headersTooLarge, title: "Request Header Fields Too Large", detail: detail)
    }
}

extension Problem.Code {
    static let uriTooLong = Problem.Code("uri-too-long")
    static let headersTooLarge = Problem.Code("headers-too-large")
}
