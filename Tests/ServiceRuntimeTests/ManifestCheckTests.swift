import Contracts
import Foundation
import MessageBus
import Persistence
@testable import ServiceRuntime
import Testing

/// A backend whose handlers differ from its manifest refuses to start, naming the difference.
@Suite struct ManifestCheckTests {
    @Test func aMissingOrUndeclaredHandlerStopsTheStart() {
        var requests = RPCHandlers()
        requests.register(MessageType.ping(.marketing)) { _ in Data() }
        requests.register(MessageType("marketing.send-anything.v1")) { _ in Data() }
        var events = TransactionalEventHandlers()
        events.register(AccountRegistered.self) { _, _ in }
        let definition = BackendDefinition(personalData: .holdsNone, requests: requests, events: events)

        #expect {
            try ManifestMismatch.check(definition, against: .marketing)
        } throws: { error in
            let text = "\(error)"
            return text.contains("requests handled but missing from the manifest: marketing.send-anything.v1")
                && text.contains("events declared in the manifest without a handler: accounts.account-profile-changed.v1")
        }
    }

    @Test func aBackendAnsweringOnlyPingMatchesAnEmptyManifest() throws {
        var requests = RPCHandlers()
        requests.register(MessageType.ping(.dataRights)) { _ in Data() }
        try ManifestMismatch.check(BackendDefinition(personalData: .holdsNone, requests: requests), against: ServiceManifest(.dataRights, holdsPersonalData: false))
    }
}
