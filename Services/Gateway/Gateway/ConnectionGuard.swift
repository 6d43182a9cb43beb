import HTTPTypes
import HummingbirdCore
import Logging
import NIOCore
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
/// cap (released when it closes, WebSocket upgrades included) and closes it if its first request
/// head has not arrived within the idle timeout. Hummingbird installs its own handlers only once
/// that head is parsed, so without this a client trickling its first headers is never cut off.
final class ConnectionAdmission: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let counter: ConnectionCounter
    private let headTimeout: TimeAmount
    private var started = false
    private var headSeen = false
    private var requestStarted = false
    /// The last four bytes of the head read so far, to find its blank line (CR LF CR LF).
    private var tail: UInt32 = 0
    private var deadline: Scheduled<Void>?

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
        if !headSeen {
            for byte in unwrapInboundIn(data).readableBytesView {
                // Empty lines before a request line are allowed (RFC 9112 §2.2): they do not start it.
                if !requestStarted, byte == 13 || byte == 10 { continue }
                requestStarted = true
                tail = tail << 8 | UInt32(byte)
                if tail == 0x0D0A_0D0A {
                    headSeen = true
                    deadline?.cancel()
                    deadline = nil
                    break
                }
            }
        }
        context.fireChannelRead(data)
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
/// head (a client trickling its body holds the connection and its buffer otherwise).
final class ConnectionGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    private let requestTimeout: TimeAmount
    private var deadline: Scheduled<Void>?

    init(requestTimeout: Duration) {
        self.requestTimeout = TimeAmount(requestTimeout)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
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
}
