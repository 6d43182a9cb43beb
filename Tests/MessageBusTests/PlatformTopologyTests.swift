import AMQPTransport
import Contracts
import MessageBus
import Testing

@Suite struct PlatformTopologyTests {
    let topology = PlatformTopology.make(subscriptions: [.marketing: ["accounts.account-registered.v1"]])

    @Test func everyBackendHasAnRPCQueueWithItsDeadLetterQueue() {
        for service in ServiceName.backends {
            let queue = PlatformTopology.rpcQueue(service)
            let declared = topology.queues.first { $0.name == queue }
            #expect(declared?.kind == .classic)
            #expect(declared?.deadLetter?.exchange == "expo.dlx")
            #expect(topology.queues.contains { $0.name == queue + ".dlq" })
            #expect(topology.bindings.contains { $0.queue == queue + ".dlq" && $0.exchange == "expo.dlx" && $0.routingKey == queue })
            #expect(topology.bindings.contains { $0.queue == queue && $0.exchange == "expo.rpc" && $0.routingKey == "\(service.rawValue).ping.v1" })
        }
        #expect(!topology.queues.contains { $0.name == "gateway.rpc" }, "the gateway serves HTTP, not requests")
    }

    @Test func subscriptionsBecomeQuorumEventQueuesWithADeliveryLimit() {
        let queue = topology.queues.first { $0.name == "marketing.events" }
        #expect(queue?.kind == .quorum(deliveryLimit: PlatformTopology.eventDeliveryLimit))
        #expect(topology.bindings.contains {
            $0.queue == "marketing.events" && $0.exchange == "expo.events" && $0.routingKey == "accounts.account-registered.v1"
        })
        #expect(!topology.queues.contains { $0.name == "accounts.events" }, "no queue for a service without subscriptions")
    }

    @Test func messageTypesNameTheirOwner() {
        #expect(MessageType.ping(.dataRights).rawValue == "data-rights.ping.v1")
        #expect(MessageType.ping(.dataRights).owner == .dataRights)
        #expect(MessageType("nobody.thing.v1").owner == nil)
        #expect(ServiceName.dataRights.schema == "data_rights")
        #expect(ServiceName.dataRights.environmentPrefix == "EXPO_DATA_RIGHTS_")
    }

    @Test func manifestsNameOnlyTheirOwnMessagesAndSubscribeOnlyToPublishedEvents() {
        for manifest in ServiceManifest.all {
            for type in manifest.requestTypes + manifest.commandTypes + manifest.publishedTypes {
                #expect(type.owner == manifest.service, "\(type) in the manifest of \(manifest.service)")
            }
            for type in manifest.subscribedTypes {
                let publisher = type.owner.map(ServiceManifest.of)
                #expect(publisher?.publishedTypes.contains(type) == true, "\(manifest.service) subscribes to \(type), which nobody publishes")
            }
        }
        #expect(Set(ServiceManifest.all.map(\.service)) == Set(ServiceName.backends), "one manifest per backend")
    }

    @Test func theTopologyBindsWhatTheManifestsDeclare() {
        let platform = PlatformTopology.make()
        for manifest in ServiceManifest.all {
            let queue = PlatformTopology.rpcQueue(manifest.service)
            for type in manifest.requestTypes {
                #expect(platform.bindings.contains { $0.queue == queue && $0.exchange == "expo.rpc" && $0.routingKey == type.rawValue })
            }
            for type in manifest.subscribedTypes {
                #expect(platform.bindings.contains {
                    $0.queue == PlatformTopology.eventQueue(manifest.service) && $0.exchange == "expo.events" && $0.routingKey == type.rawValue
                })
            }
            for type in manifest.commandTypes {
                #expect(platform.bindings.contains {
                    $0.queue == PlatformTopology.commandQueue(manifest.service) && $0.exchange == "expo.commands" && $0.routingKey == type.rawValue
                })
            }
        }
    }

    @Test func commandsFromOutsideGetADurableDeadLetteredQueue() {
        let platform = PlatformTopology.make()
        #expect(platform.exchanges.contains { $0.name == "expo.commands" && $0.kind == .direct })
        let queue = platform.queues.first { $0.name == "marketing.commands" }
        #expect(queue?.kind == .quorum(deliveryLimit: PlatformTopology.eventDeliveryLimit) && queue?.deadLetter?.exchange == "expo.dlx")
        #expect(platform.bindings.contains {
            $0.queue == "marketing.commands" && $0.exchange == "expo.commands" && $0.routingKey == "marketing.trigger-campaign.v1"
        })
        #expect(!platform.queues.contains { $0.name == "accounts.commands" }, "no queue for a service that takes no commands")
    }

    @Test func aDifferenceBetweenManifestAndHandlersIsNamed() {
        let declared: [MessageType] = ["accounts.a.v1", "accounts.b.v1"]
        #expect(ServiceManifest.difference("requests", declared: declared, handled: declared.reversed()) == nil)
        #expect(ServiceManifest.difference("requests", declared: declared, handled: ["accounts.a.v1", "accounts.c.v1"])
            == "requests declared in the manifest without a handler: accounts.b.v1; requests handled but missing from the manifest: accounts.c.v1")
    }
}
