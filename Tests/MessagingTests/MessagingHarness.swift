import Contracts
import Foundation
@testable import Messaging
import MessageBus
import Persistence
import PostgresNIO
import TestSupport

/// The messaging handlers on a fresh, migrated schema of the real PostgreSQL, fed with the
/// accounts and matchmaking events the event consumer would deliver. Products are looked up in a
/// table the test fills (the process asks matchmaking over the bus; the end-to-end tests cover that).
struct MessagingHarness: Sendable {
    let kit: HandlerHarness
    let clock: LockedBox<Date>
    let products: Products
    let settings: MessagingSettings

    final class Products: SubjectLookup {
        let listed = LockedBox<[UUID: (companyID: UUID, name: String)]>([:])
        func product(_ id: UUID, context: RequestContext) async throws -> (companyID: UUID, name: String)? { listed.value[id] }
    }

    static func with<T: Sendable>(settings: MessagingSettings = MessagingSettings(), _ body: (MessagingHarness) async throws -> T) async throws -> T {
        let clock = LockedBox(Date())
        let products = Products()
        return try await HandlerHarness.with(.messaging, define: { database, logger in
            messagingDefinition(database: database, settings: settings, subjects: products, logger: logger, now: { clock.value })
        }) { kit in try await body(MessagingHarness(kit: kit, clock: clock, products: products, settings: settings)) }
    }

    struct Member: Sendable {
        var actor: Actor
        var companyID: UUID { actor.companyID! }
    }

    /// Registers a company at "accounts" by delivering its event.
    func company(_ type: BusinessType = .purchaser, name: String = "Lagos Tractors Ltd") async throws -> Member {
        let accountID = UUID()
        let card = CompanyCard(id: UUID(), name: name, businessType: type, industry: "Machinery", country: "NG", verified: true)
        try await kit.deliver(AccountRegistered(
            accountID: accountID, email: "\(uniqueName("m"))@example.com", contactName: "Ada Obi", company: card,
            roles: [type == .supplier ? .supplier : .purchaser], registeredAt: Date()))
        return Member(actor: Actor(accountID: accountID, companyID: card.id, roles: [type == .supplier ? "supplier" : "purchaser"], sessionID: UUID()))
    }

    func product(of supplier: Member, name: String = "Hydraulic gear pump") -> UUID {
        let id = UUID()
        products.listed.mutate { $0[id] = (supplier.companyID, name) }
        return id
    }

    func send<Request: RequestContract>(_ request: Request, as member: Member?) async throws -> Request.Reply {
        try await kit.send(request, actor: member?.actor)
    }

    func send<Request: RequestContract>(_ request: Request, actor: Actor) async throws -> Request.Reply {
        try await kit.send(request, actor: actor)
    }

    func open(_ from: Member, to: Member, _ text: String = "Do you ship to Lagos?", subject: OpenConversation.Subject? = nil) async throws -> Conversation {
        try await send(OpenConversation(companyID: to.companyID, subject: subject, text: text), as: from)
    }

    func say(_ text: String, in conversation: UUID, as member: Member) async throws -> ChatMessage {
        try await send(SendMessage(conversationID: conversation, fields: MessageFields(text: text)), as: member)
    }

    /// The member's feed after a cursor.
    func feed(of member: Member, after: Int64 = 0) async throws -> [FeedEntry] {
        try await send(ReadFeed(after: after), as: member).entries
    }

    func count(_ query: PostgresQuery) async throws -> Int { try await kit.count(query) }
}
