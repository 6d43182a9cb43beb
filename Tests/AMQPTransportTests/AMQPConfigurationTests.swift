import AMQPTransport
import Testing

@Suite struct AMQPConfigurationTests {
    @Test func parsesPlainURLWithDefaults() throws {
        let configuration = try AMQPConfiguration(url: "amqp://expo:s%40cret@broker.internal:5673/")
        #expect(configuration.host == "broker.internal")
        #expect(configuration.port == 5673)
        #expect(configuration.user == "expo")
        #expect(configuration.password == "s@cret")
        #expect(configuration.virtualHost == "/")
        #expect(configuration.useTLS == false)
        #expect(configuration.heartbeatSeconds == 10)
    }

    @Test func amqpsDefaultsToPort5671AndVerifiesPeers() throws {
        let configuration = try AMQPConfiguration(url: "amqps://user:pw@mq.example.com/production?heartbeat=5&cacertfile=/etc/ca.pem")
        #expect(configuration.useTLS)
        #expect(configuration.port == 5671)
        #expect(configuration.virtualHost == "production")
        #expect(configuration.heartbeatSeconds == 5)
        #expect(configuration.caCertificatePath == "/etc/ca.pem")
        #expect(configuration.verifyPeer)
    }

    @Test func encodedSlashVirtualHost() throws {
        #expect(try AMQPConfiguration(url: "amqp://h/%2Fshop").virtualHost == "/shop")
    }

    @Test(arguments: ["http://host/", "amqp://", "not a url", "amqp://h/?heartbeat=soon"])
    func rejectsBadURLs(_ url: String) {
        #expect(throws: AMQPError.self) { try AMQPConfiguration(url: url) }
    }

    @Test func redactsThePasswordForLogs() throws {
        let configuration = try AMQPConfiguration(url: "amqp://expo:topsecret@h:1/")
        #expect(!configuration.redactedURL.contains("topsecret"))
    }
}
