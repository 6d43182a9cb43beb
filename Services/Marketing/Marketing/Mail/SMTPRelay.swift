import CCurl
import CCurlShim
import Foundation
import NIOPosix
import Synchronization

/// The relay's answer to one mail, as the send record keeps it.
struct RelayAnswer: Sendable, Equatable {
    enum Outcome: Sendable, Equatable {
        /// The relay took the mail (2xx).
        case accepted
        /// Worth retrying later: a 4xx reply, or no reply at all (relay unreachable, timeout).
        case temporary
        /// The relay refused the address or the mail for good (5xx): never retried.
        case permanent
    }

    var outcome: Outcome
    /// The SMTP reply code (0 when the relay never answered).
    var code: Int
    /// The relay's last reply line, or curl's reason when there was none.
    var reply: String
}

/// Sends mail to the configured SMTP relay with libcurl. Transfers block, so they run on threads
/// of their own, each with a curl handle that keeps its connection to the relay between mails.
final class SMTPRelay: Sendable {
    let settings: MailSettings
    private let threads: NIOThreadPool
    /// Idle curl handles; a send takes one (or makes one) and gives it back.
    private let handles = Mutex<[CurlHandle]>([])

    private static let globalInit: Void = expo_curl_global_init()

    init(settings: MailSettings) {
        Self.globalInit
        self.settings = settings
        threads = NIOThreadPool(numberOfThreads: settings.connections)
        threads.start()
    }

    deinit {
        try? threads.syncShutdownGracefully()
        for handle in handles.withLock({ $0 }) { curl_easy_cleanup(handle.pointer) }
    }

    /// Hands `message` to the relay for `recipient` (envelope sender: the configured bounce address).
    func send(_ message: [UInt8], to recipient: String) async -> RelayAnswer {
        let settings = settings
        do {
            return try await threads.runIfActive { [self] in
                guard let handle = handles.withLock({ $0.popLast() }) ?? curl_easy_init().map(CurlHandle.init) else {
                    return RelayAnswer(outcome: .temporary, code: 0, reply: "curl_easy_init failed")
                }
                defer { handles.withLock { $0.append(handle) } }
                var result = expo_smtp_result()
                settings.relayURL.withCString { url in
                    withOptionalCString(settings.username) { username in
                        withOptionalCString(settings.password) { password in
                            var relay = expo_smtp_relay(
                                url: url, username: username, password: password, require_tls: settings.requireTLS ? 1 : 0,
                                timeout_seconds: settings.timeoutSeconds)
                            message.withUnsafeBufferPointer { body in
                                body.withMemoryRebound(to: CChar.self) { body in
                                    expo_smtp_send(handle.pointer, &relay, settings.envelopeFrom, recipient, body.baseAddress, body.count, &result)
                                }
                            }
                        }
                    }
                }
                return Self.answer(result)
            }
        } catch {
            return RelayAnswer(outcome: .temporary, code: 0, reply: "the mail threads are shutting down")
        }
    }

    private static func answer(_ result: expo_smtp_result) -> RelayAnswer {
        let code = Int(result.response_code)
        var reply = withUnsafeBytes(of: result.reply) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        if reply.isEmpty || result.code != CURLE_OK && code == 0 {
            reply = withUnsafeBytes(of: result.error) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if reply.isEmpty { reply = String(cString: curl_easy_strerror(result.code)) }
        }
        if result.code == CURLE_OK { return RelayAnswer(outcome: .accepted, code: code, reply: reply) }
        return RelayAnswer(outcome: (500..<600).contains(code) ? .permanent : .temporary, code: code, reply: reply)
    }
}

/// A curl easy handle; only ever used by one thread at a time (it is taken from the idle list).
private struct CurlHandle: @unchecked Sendable {
    let pointer: UnsafeMutableRawPointer
}

private func withOptionalCString<R>(_ string: String?, _ body: (UnsafePointer<CChar>?) -> R) -> R {
    guard let string else { return body(nil) }
    return string.withCString(body)
}
