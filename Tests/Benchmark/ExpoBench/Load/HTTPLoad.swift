import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// One HTTP request the load sends.
struct LoadRequest: Sendable {
    var method: HTTPMethod
    var path: String
    var headers: HTTPHeaders
    var body: ByteBuffer?
}

/// How the load is offered.
enum LoadShape: Sendable, CustomStringConvertible {
    /// Open loop: requests are due at a fixed rate whatever the server does, and each one's latency
    /// counts from when it was due, so a stalled server cannot hide the queue it causes.
    case fixedRate(perSecond: Double)
    /// Closed loop: every connection sends its next request as soon as the last one is answered,
    /// which finds the most the server can do.
    case closedLoop

    var description: String {
        switch self {
        case .fixedRate(let rate): "fixed rate \(Int(rate))/s"
        case .closedLoop: "closed loop"
        }
    }
}

/// An HTTP/1.1 keep-alive load generator on one event loop thread of its own: lean, so it takes
/// as little of the 2 cores from the processes under test as it can.
final class HTTPLoad: Sendable {
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    let host: String
    let port: Int

    init(host: String = "127.0.0.1", port: Int) {
        self.host = host
        self.port = port
    }

    func shutdown() async throws { try await group.shutdownGracefully() }

    /// Offers `request(i)` for `duration` over `connections` connections, shaped as `shape`.
    func run(
        _ shape: LoadShape, duration: Duration, connections: Int, request: @escaping @Sendable (Int) -> LoadRequest
    ) async throws -> LoadResult {
        let loop = group.next()
        let (host, port) = (host, port)
        return try await loop.flatSubmit {
            LoadDriver(loop: loop, host: host, port: port, shape: shape, duration: duration, request: request)
                .start(connections: connections)
        }.get()
    }
}

/// The state of one run; it lives on the load's event loop and is touched nowhere else.
private final class LoadDriver {
    private let loop: any EventLoop
    private let host: String
    private let port: Int
    private let shape: LoadShape
    private let duration: Duration
    private let request: @Sendable (Int) -> LoadRequest
    private let done: EventLoopPromise<LoadResult>

    private var idle: [ResponseHandler] = []
    private var due: [NIODeadline] = []
    private var nextDue = 0
    private var issued = 0
    private var sent = 0
    private var outstanding = 0
    private var stopped = false
    private var finished = false
    private var result = LoadResult()
    private var start = NIODeadline.now()

    init(loop: any EventLoop, host: String, port: Int, shape: LoadShape, duration: Duration, request: @escaping @Sendable (Int) -> LoadRequest) {
        self.loop = loop
        self.host = host
        self.port = port
        self.shape = shape
        self.duration = duration
        self.request = request
        done = loop.makePromise()
    }

    private var end: NIODeadline { start + .nanoseconds(duration.microseconds * 1000) }

    func start(connections: Int) -> EventLoopFuture<LoadResult> {
        let opened = (0..<connections).map { _ in connect() }
        EventLoopFuture.whenAllSucceed(opened, on: loop).assumeIsolated().whenComplete { outcome in
            switch outcome {
            case .success(let channels):
                self.idle = channels.compactMap(Self.handler(of:))
                self.begin()
            case .failure(let error):
                self.done.fail(error)
            }
        }
        return done.futureResult
    }

    private static func handler(of channel: any Channel) -> ResponseHandler? {
        try? channel.pipeline.syncOperations.handler(type: ResponseHandler.self)
    }

    private func connect() -> EventLoopFuture<any Channel> {
        ClientBootstrap(group: loop)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(ResponseHandler())
                }
            }
            .connect(host: host, port: port)
    }

    private func begin() {
        start = .now()
        let isolated = loop.assumeIsolated()
        // Answers still missing 30 s after the end count as errors.
        isolated.scheduleTask(deadline: end + .seconds(30)) { self.finish() }
        switch shape {
        case .fixedRate:
            scheduleNextDue()
        case .closedLoop:
            isolated.scheduleTask(deadline: end) {
                self.stopped = true
                self.finishIfDrained()
            }
            let handlers = idle
            idle = []
            for handler in handlers { send(on: handler, dueAt: .now()) }
        }
    }

    // MARK: Open loop

    private func dueTime(_ index: Int) -> NIODeadline {
        guard case .fixedRate(let rate) = shape else { return .now() }
        return start + .nanoseconds(Int64(Double(index) * 1e9 / rate))
    }

    private func scheduleNextDue() {
        let next = dueTime(issued)
        guard next < end else {
            stopped = true
            finishIfDrained()
            return
        }
        loop.assumeIsolated().scheduleTask(deadline: next) { self.releaseDue() }
    }

    private func releaseDue() {
        let now = NIODeadline.now()
        while dueTime(issued) <= now, dueTime(issued) < end {
            due.append(dueTime(issued))
            issued += 1
        }
        dispatch()
        scheduleNextDue()
    }

    private func dispatch() {
        while nextDue < due.count, let handler = idle.popLast() {
            nextDue += 1
            send(on: handler, dueAt: due[nextDue - 1])
        }
    }

    // MARK: Requests

    private func send(on handler: ResponseHandler, dueAt: NIODeadline) {
        guard let channel = handler.channel, channel.isActive else {
            result.errors += 1
            replace(handler)
            return
        }
        let spec = request(sent)
        sent += 1
        _ = result.sendLag.record(UInt64(max(0, (NIODeadline.now() - dueAt).nanoseconds / 1000)))
        outstanding += 1
        handler.awaiting = { status in self.answered(handler, dueAt: dueAt, status: status) }
        var head = HTTPRequestHead(version: .http1_1, method: spec.method, uri: spec.path, headers: spec.headers)
        head.headers.replaceOrAdd(name: "Host", value: "\(host):\(port)")
        if let body = spec.body {
            head.headers.replaceOrAdd(name: "Content-Length", value: String(body.readableBytes))
            head.headers.replaceOrAdd(name: "Content-Type", value: "application/json")
        }
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        if let body = spec.body { channel.write(HTTPClientRequestPart.body(.byteBuffer(body)), promise: nil) }
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
    }

    private func answered(_ handler: ResponseHandler, dueAt: NIODeadline, status: UInt) {
        outstanding -= 1
        guard !finished else { return }
        let elapsed = NIODeadline.now() - dueAt
        result.record(.nanoseconds(elapsed.nanoseconds), ok: (200..<300).contains(status))
        if status == 0 {
            replace(handler)
        } else {
            switch shape {
            case .closedLoop:
                if stopped { idle.append(handler) } else { send(on: handler, dueAt: .now()) }
            case .fixedRate:
                idle.append(handler)
                dispatch()
            }
        }
        finishIfDrained()
    }

    /// A connection died: open another in its place.
    private func replace(_ handler: ResponseHandler) {
        handler.channel?.close(promise: nil)
        connect().assumeIsolated().whenComplete { outcome in
            guard !self.finished, case .success(let channel) = outcome, let fresh = Self.handler(of: channel) else { return }
            switch self.shape {
            case .closedLoop:
                if self.stopped { self.idle.append(fresh) } else { self.send(on: fresh, dueAt: .now()) }
            case .fixedRate:
                self.idle.append(fresh)
                self.dispatch()
            }
        }
    }

    private func finishIfDrained() {
        if stopped, outstanding == 0, nextDue == due.count { finish() }
    }

    private func finish() {
        guard !finished else { return }
        finished = true
        result.errors += outstanding + (due.count - nextDue)
        // An open loop offers requests for exactly `duration`; a closed loop ran as long as it ran.
        if case .fixedRate = shape {
            result.seconds = duration.secondsValue
        } else {
            result.seconds = Duration.nanoseconds((NIODeadline.now() - start).nanoseconds).secondsValue
        }
        for handler in idle { handler.channel?.close(promise: nil) }
        done.succeed(result)
    }
}

/// Reads one response at a time and reports its status (0 when the connection failed first).
private final class ResponseHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart

    var channel: (any Channel)?
    var awaiting: ((UInt) -> Void)?
    private var status: UInt = 0

    func handlerAdded(context: ChannelHandlerContext) { channel = context.channel }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            status = head.status.code
        case .body:
            break
        case .end:
            complete(status)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        complete(0)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func complete(_ status: UInt) {
        let awaiting = self.awaiting
        self.awaiting = nil
        self.status = 0
        awaiting?(status)
    }
}
