import Contracts
import Foundation
import HTTPTypes
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import Synchronization

/// How long and how many connections a client may hold. The idle timeout closes a connection whose
/// first request head has not fully arrived that long after it opened (`ConnectionAdmission`), and
/// a keep-alive connection with no request in flight (Hummingbird's, which also covers the next
/// heads); the request timeout closes a connection whose request body is not complete that long
/// after its head (`ConnectionGuard`); the per-IP cap refuses connections beyond it from one
/// address (0 = no cap: behind a load balancer every connection comes from it).
public struct ConnectionLimits: Sendable {
    public var idleTimeout: Duration
    public var requestTimeout: Duration
    public var perIP: Int

    public init(idleTimeout: Duration = .seconds(60), requestTimeout: Duration = .seconds(30), perIP: Int = 512) {
        self.idleTimeout = idleTimeout
        self.requestTimeout = requestTimeout
        self.perIP = perIP
    }
}

/// The open connections per remote address, shared by every connection of one gateway.
final class ConnectionCounter: Sendable {
    private let counts = Mutex<[String: Int]>([:])
    let limit: Int

    init(limit: Int) { self.limit = limit }

    /// Counts a connection from `address`, unless the address is at its limit.
    func admit(_ address: String) -> Bool {
        counts.withLock { counts in
            let open = counts[address, default: 0]
            guard limit == 0 || open < limit else { return false }
            counts[address] = open + 1
            return true
        }
    }

    func release(_ address: String) {
        counts.withLock { counts in
            let open = counts[address, default: 1] - 1
            counts[address] = open > 0 ? open : nil
        }
    }
}

/// The first handler of every connection, before any HTTP parsing: admits it against the per-IP
/// cap (released when it closes, WebSocket upgrades included), closes it if its first request
/// head has not arrived within the idle timeout, and answers what `RequestHeadScan` refuses in
/// that head itself, as a problem, then closes. Hummingbird installs its own handlers only once a
/// head is parsed, so without this a client trickling its first headers is never cut off, and a
/// head the HTTP decoder gives up on gets no answer at all.
final class ConnectionAdmission: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let counter: ConnectionCounter
    private let headTimeout: TimeAmount
    private var started = false
    private var scan: RequestHeadScan? = RequestHeadScan()
    private var refused = false
    private var deadline: Scheduled<Void>?
    /// An HTTP/1.0 first request that did not ask to keep the connection: `ConnectionGuard`
    /// closes it after the answer.
    private(set) var closeAfterFirstAnswer = false
    /// The connection speaks HTTP/1.0, whose requests need no `Host`.
    private(set) var http10 = false

    init(counter: ConnectionCounter, headTimeout: Duration) {
        self.counter = counter
        self.headTimeout = TimeAmount(headTimeout)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !refused else { return }
        if scan != nil {
            for byte in unwrapInboundIn(data).readableBytesView {
                switch scan?.read(byte) {
                case .refused(let problem)?:
                    refuse(problem, context)
                    return
                case .complete(let http10, let closeAfterAnswer)?:
                    self.http10 = http10
                    closeAfterFirstAnswer = closeAfterAnswer
                    scan = nil
                    deadline?.cancel()
                    deadline = nil
                case .reading?, nil:
                    continue
                }
                break
            }
        }
        context.fireChannelRead(data)
    }

    /// Answers `problem` straight onto the socket (the HTTP handlers never saw a whole head) and closes.
    private func refuse(_ problem: Problem, _ context: ChannelHandlerContext) {
        refused = true
        deadline?.cancel()
        let (head, body) = ProtocolRefusal.answer(problem)
        var answer = context.channel.allocator.buffer(capacity: body.count + 256)
        answer.writeString("HTTP/1.1 \(head.status.code) \(head.status.reasonPhrase)\r\n")
        for field in head.headerFields { answer.writeString("\(field.name): \(field.value)\r\n") }
        answer.writeString("\r\n")
        answer.writeBytes(body)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(answer)).whenComplete { _ in channel.close(promise: nil) }
    }

    private func start(_ context: ChannelHandlerContext) {
        guard !started else { return }
        started = true
        let address = context.channel.remoteAddress?.ipAddress ?? "unknown"
        guard counter.admit(address) else {
            context.close(promise: nil)
            return
        }
        let (counter, channel) = (counter, context.channel)
        channel.closeFuture.whenComplete { _ in counter.release(address) }
        deadline = context.eventLoop.scheduleTask(in: headTimeout) { channel.close(promise: nil) }
    }
}

/// A server child channel with `ConnectionAdmission` in front of another's pipeline.
struct AdmittedChannel<Inner: ServerChildChannel>: ServerChildChannel {
    typealias Value = Inner.Value

    let inner: Inner
    let counter: ConnectionCounter
    let headTimeout: Duration

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        do {
            try channel.pipeline.syncOperations.addHandler(ConnectionAdmission(counter: counter, headTimeout: headTimeout))
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        return inner.setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }
}

/// Closes a connection whose request body is not complete within the request timeout after its
/// head (a client trickling its body holds the connection and its buffer otherwise), and once its
/// answer is written one whose first request was HTTP/1.0 without keep-alive, or any `CONNECT`.
///
/// It also refuses, as a problem, what only shows once a head is decoded, in every request of the
/// connection: a missing or repeated `Host` in HTTP/1.1 (400, RFC 9112 §3.2), and a head the
/// decoder gave up on (431 beyond its limits, 400 otherwise; Hummingbird would answer an empty
/// 400). The refusal waits for the answers to the requests before it, so a pipelining client
/// reads every answer in order, and then the connection closes.
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let requestTimeout: TimeAmount
    private var deadline: Scheduled<Void>?
    private var closeAfterAnswer = false
    private var hostOptional = false
    private var requestsPassedOn = 0
    private var answersEnded = 0
    /// Once set, nothing more is read; it is answered after every earlier request's answer.
    private var refusal: Problem?
    /// A second `Host` stays among the fields; the first became the request's authority.
    private static let host = HTTPField.Name("Host")!

    init(requestTimeout: Duration) {
        self.requestTimeout = TimeAmount(requestTimeout)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let admission = try? context.pipeline.syncOperations.handler(type: ConnectionAdmission.self)
        closeAfterAnswer = admission?.closeAfterFirstAnswer ?? false
        hostOptional = admission?.http10 ?? false
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard refusal == nil else { return }
        switch unwrapInboundIn(data) {
        case .head(let head):
            let hosts = (head.authority == nil ? 0 : 1) + head.headerFields[values: Self.host].count
            if !hostOptional, hosts != 1 {
                refuse(.badRequest(hosts == 0 ? "an HTTP/1.1 request needs a Host header" : "the request has \(hosts) Host headers"), context)
                return
            }
            // A later request's CONNECT is answered without a length (NIO's rule for CONNECT):
            // only closing the connection ends that answer for the client.
            if head.method == .connect { closeAfterAnswer = true }
            requestsPassedOn += 1
            deadline?.cancel()
            let channel = context.channel
            deadline = context.eventLoop.scheduleTask(in: requestTimeout) { channel.close(promise: nil) }
        case .body:
            break
        case .end:
            deadline?.cancel()
            deadline = nil
        }
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        if case .headerOverflow = parserError {
            refuse(RequestHeadScan.headersTooLarge("""
                the request head is too large: at most \(RequestHeadScan.maxHeaderLines - 1) header lines, \
                \(RequestHeadScan.maxHeaderLine / 1024) KiB in its target or any header, \(RequestHeadScan.maxHead / 1024) KiB in all
                """), context)
        } else {
            refuse(.badRequest("the request is not valid HTTP/1.1"), context)
        }
    }

    private func refuse(_ problem: Problem, _ context: ChannelHandlerContext) {
        guard refusal == nil else { return }
        refusal = problem
        deadline?.cancel()
        deadline = nil
        if answersEnded == requestsPassedOn { writeRefusal(context) }
    }

    private func writeRefusal(_ context: ChannelHandlerContext) {
        guard let refusal else { return }
        let (head, body) = ProtocolRefusal.answer(refusal)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(ByteBuffer(bytes: body))), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .end = unwrapOutboundIn(data) else {
            context.write(data, promise: promise)
            return
        }
        answersEnded += 1
        if refusal != nil, answersEnded == requestsPassedOn {
            context.write(data, promise: promise)
            writeRefusal(context)
            return
        }
        guard closeAfterAnswer else {
            context.write(data, promise: promise)
            return
        }
        let channel = context.channel
        context.writeAndFlush(data).whenComplete { result in
            promise?.completeWith(result)
            channel.close(promise: nil)
        }
    }
}

/// The answer that refuses a connection's request at the protocol level, and closes it.
enum ProtocolRefusal {
    static func answer(_ problem: Problem) -> (head: HTTPResponse, body: Data) {
        let body = ProblemMiddleware.document(problem, instance: "")
        let head = HTTPResponse(status: .init(code: problem.status), headerFields: [
            .contentType: "application/problem+json", .contentLength: "\(body.count)", .connection: "close",
            SecurityHeadersMiddleware.contentTypeOptions: "nosniff",
            SecurityHeadersMiddleware.contentSecurityPolicy: SecurityHeadersMiddleware.apiContentSecurityPolicy,
        ])
        return (head, body)
    }
}
