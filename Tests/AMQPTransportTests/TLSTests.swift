import AMQPTransport
import Foundation
import Synchronization
import Testing
import TestSupport

/// `amqps://` against the local broker's TLS listener (`deploy/stack`: a certificate for
/// DNS:localhost signed by the stack's own CA), with the peer verified: messages flow, and a wrong
/// CA or host name is a clear error within the connect timeout, never a hang or a silent downgrade.
@Suite(.integration) struct TLSTests {
    /// The stack's amqps URL with its host and CA swapped as a test needs.
    func configuration(host: String = "localhost", ca: String = "ca.pem") throws -> AMQPConfiguration {
        var components = try #require(URLComponents(string: TestEnvironment.amqpsURL))
        components.host = host
        components.queryItems = [.init(name: "cacertfile", value: "\(TestEnvironment.amqpTLSDirectory)/\(ca)"), .init(name: "connection_timeout", value: "5")]
        var configuration = try AMQPConfiguration(url: try #require(components.string))
        configuration.reconnectMaximum = .milliseconds(500)
        return configuration
    }

    @Test func messagesFlowOverTLSWithThePeerVerified() async throws {
        let configuration = try configuration()
        #expect(configuration.useTLS && configuration.verifyPeer)
        let queue = uniqueName("test.tls")
        let topology = Topology(exchanges: [], queues: [.init(name: queue, kind: .classic)], bindings: [])
        let connection = AMQPConnection(configuration: configuration, role: .publisher, topology: topology, name: "tls-test",
                                        logger: TestEnvironment.logger("tls-test"))
        connection.start()
        #expect(await eventually(timeout: .seconds(20)) { connection.isConnected }, "no TLS connection to the local broker")
        for index in 0..<3 {
            try await connection.publish(OutgoingMessage(exchange: "", routingKey: queue, body: Data("tls \(index)".utf8),
                                                         properties: MessageProperties(correlationID: "t\(index)")), confirm: true)
        }
        #expect(try await connection.status(of: queue).messages == 3)
        try await connection.delete(queue: queue)
        await connection.close()
    }

    @Test(arguments: [("localhost", "other-ca.pem", "peer"), ("127.0.0.1", "ca.pem", "hostname")])
    func aCertificateThatDoesNotCheckOutIsAClearError(host: String, ca: String, failing check: String) async throws {
        let connection = AMQPConnection(configuration: try configuration(host: host, ca: ca), role: .publisher, name: "tls-test",
                                        logger: TestEnvironment.logger("tls-test"))
        let events = Mutex<[ConnectionEvent]>([])
        connection.observe { event in events.withLock { $0.append(event) } }
        let started = ContinuousClock.now
        connection.start()
        let refused = await eventually(timeout: .seconds(20)) {
            events.withLock { $0.contains { if case .disconnected = $0 { true } else { false } } }
        }
        let elapsed = ContinuousClock.now - started
        await connection.close()
        #expect(refused, "no error within 20 s: the handshake hung")
        #expect(elapsed < .seconds(15))
        let seen = events.withLock { $0 }
        #expect(!seen.contains { if case .connected = $0 { true } else { false } }, "connected despite a \(check) that does not check out")
        guard case .disconnected(let error)? = seen.first else { return }
        #expect(error.code == .connectionFailed)
        #expect(error.detail.localizedCaseInsensitiveContains("\(check)") && error.detail.localizedCaseInsensitiveContains("verif"),
                "the error does not say what failed: \(error.detail)")
    }
}
