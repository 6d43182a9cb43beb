import Contracts
import Hummingbird
import NIOCore

/// Per-request state the gateway's middleware fills in for the handlers.
public struct GatewayContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    /// `X-Request-Id`: the client's if it sent a usable one, else ours; the messages' correlation id.
    public var requestID = ""
    /// W3C trace context continued from the client or started here.
    public var traceparent = ""
    /// The client's address (`ClientAddressMiddleware`: the peer's, or the one a trusted proxy forwarded).
    public var clientAddress: String?
    /// Set by the authentication middleware when a valid bearer token came with the request.
    public var actor: Actor?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The authenticated actor, or a 401 problem.
    public func requireActor() throws -> Actor {
        guard let actor else { throw Problem.unauthorized("this endpoint needs a bearer token") }
        return actor
    }
}

extension GatewayContext {
    /// Where `request` came from, for records that keep it (sign-ins, consent).
    func client(of request: Request) -> ClientInfo {
        ClientInfo(ip: clientAddress, userAgent: request.headers[.userAgent])
    }
}
