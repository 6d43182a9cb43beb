import Contracts
import Foundation
@testable import Matchmaking
import MessageBus
import Persistence
import PostgresNIO
import TestSupport

/// The matchmaking handlers on a fresh, migrated schema of the real PostgreSQL, fed with the
/// accounts events the event consumer would deliver.
struct MatchmakingHarness: Sendable {
    let kit: HandlerHarness
    /// The service's clock: deadlines are compared with it, and tests move it.
    let clock: LockedBox<Date>

    static func with<T: Sendable>(_ body: (MatchmakingHarness) async throws -> T) async throws -> T {
        let clock = LockedBox(Date())
        return try await HandlerHarness.with(.matchmaking, define: { database, logger in
            matchmakingDefinition(database: database, categories: try Categories.shipped(), logger: logger, now: { clock.value })
        }) { kit in try await body(MatchmakingHarness(kit: kit, clock: clock)) }
    }

    /// Runs the RFQ expiry timer's round at the clock's time, as one replica would.
    @discardableResult
    func expireDue() async throws -> Int {
        try await RFQExpiry.expireDue(now: clock.value, database: kit.database, logger: kit.logger)
    }

    /// A person acting for a company, as the gateway would describe them.
    struct Member: Sendable {
        var actor: Actor
        var companyID: UUID { actor.companyID! }
    }

    /// Registers a company at "accounts" by delivering its event; suppliers may be verified at once.
    func company(
        _ type: BusinessType = .supplier, name: String = "Ningbo Hydraulics Co.", country: String = "CN", verified: Bool = false
    ) async throws -> Member {
        let accountID = UUID()
        let card = CompanyCard(id: UUID(), name: name, businessType: type, industry: "Machinery", country: country, verified: false)
        try await kit.deliver(AccountRegistered(
            accountID: accountID, email: "\(uniqueName("m"))@example.com", contactName: "Zhang Min", company: card,
            roles: [type == .supplier ? .supplier : .purchaser], registeredAt: Date()))
        let member = Member(actor: Actor(accountID: accountID, companyID: card.id, roles: [type == .supplier ? "supplier" : "purchaser"]))
        if verified { try await decide(member, .approve) }
        return member
    }

    func decide(_ member: Member, _ decision: VerificationDecision, at time: Date = Date()) async throws {
        try await kit.deliver(VerificationDecided(
            accountID: member.actor.accountID, companyID: member.companyID, status: decision.status,
            record: VerificationRecord(decision: decision, reason: decision == .reject ? "documents expired" : nil, decidedBy: UUID(), decidedAt: time)))
    }

    func send<Request: RequestContract>(_ request: Request, as member: Member? = nil) async throws -> Request.Reply {
        try await kit.send(request, actor: member?.actor)
    }

    func export(_ task: DataSubjectTask) async throws -> PersonalDataExport { try await kit.export(task) }

    func send<Body: Encodable, Reply: Decodable>(_ operation: PersonalDataOperation, _ body: Body, as _: Reply.Type) async throws -> Reply {
        try await kit.send(operation, body, as: Reply.self)
    }

    @discardableResult
    func product(
        _ member: Member, name: String = "Hydraulic gear pump", category: String = "gear-pumps", description: String? = nil,
        keywords: [String] = [], price: ProductFields.Price? = nil, status: String = "published"
    ) async throws -> Product {
        try await send(CreateProduct(fields: ProductFields(
            name: name, categoryID: category, description: description, price: price, keywords: keywords, status: status)), as: member)
    }

    func search(_ query: String?, kind: String? = nil, category: String? = nil, country: String? = nil, limit: Int? = nil,
                cursor: String? = nil, as member: Member? = nil) async throws -> SearchResults {
        try await send(Search(query: query, kind: kind, category: category, country: country, page: PageRequest(limit: limit, cursor: cursor)),
                       as: member)
    }

    func count(_ query: PostgresQuery) async throws -> Int { try await kit.count(query) }
}
