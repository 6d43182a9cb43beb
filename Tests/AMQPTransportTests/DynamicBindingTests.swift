import AMQPTransport
import Foundation
import Testing
import TestSupport

extension TransportIntegrationTests {
    /// An exclusive queue's extra bindings, as the gateway's live hub uses them: a key is bound
    /// while anyone holds it, and bound again on the new queue after a broker restart.
    @Test func dynamicBindingsCountTheirUsersAndSurviveAReconnect() async throws {
        try await withConnections { _, publisher, consumer in
            let received = LockedBox<[String]>([])
            let attached = LockedBox(0)
            let prefix = uniqueName("test.live")
            let id = consumer.consume(ConsumerSpec(
                source: .exclusiveBound(exchange: "expo.events", routingKeys: []), prefetch: 0, autoAck: true,
                onReady: { _ in attached.mutate { $0 += 1 } },
                deliver: { delivery in received.mutate { $0.append(String(decoding: delivery.body, as: UTF8.self)) } }))
            #expect(await eventually { attached.value == 1 })
            func publish(_ key: String) async throws {
                try await publisher.publish(
                    OutgoingMessage(exchange: "expo.events", routingKey: "\(prefix).\(key)", body: Data(key.utf8), properties: MessageProperties()),
                    confirm: true)
            }

            await consumer.bind(id, routingKey: "\(prefix).a", bound: true)
            await consumer.bind(id, routingKey: "\(prefix).a", bound: true)
            await consumer.bind(id, routingKey: "\(prefix).b", bound: true)
            try await publish("a")
            try await publish("b")
            try await publish("c")
            #expect(await eventually { Set(received.value) == ["a", "b"] })

            // One of a's two users leaves: still bound. b's only user leaves: no longer.
            await consumer.bind(id, routingKey: "\(prefix).a", bound: false)
            await consumer.bind(id, routingKey: "\(prefix).b", bound: false)
            try await publish("b")
            try await publish("a")
            #expect(await eventually { received.value.count == 3 })
            #expect(received.value.last == "a", "b was unbound before a was published")

            // The exclusive queue dies with the connection; the one made after the reconnect keeps a.
            try BrokerControl.stopApp()
            try BrokerControl.startApp()
            #expect(await eventually(timeout: .seconds(60)) { attached.value == 2 && publisher.isConnected })
            try await publish("b")
            try await publish("a")
            #expect(await eventually { received.value.count == 4 })
            #expect(received.value == ["a", "b", "a", "a"])
            await consumer.cancel(id)
        }
    }
}
