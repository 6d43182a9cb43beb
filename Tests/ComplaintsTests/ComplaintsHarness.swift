@testable import Complaints
import Contracts
import Foundation
import MessageBus
import Persistence
import PostgresNIO
import TestSupport

/// The complaints handlers on a fresh, migrated schema of the real PostgreSQL, fed with the
/// events of matchmaking and messaging the consumer would deliver, on a clock the test moves.
struct ComplaintsHarness: Sendable {
    let kit: HandlerHarness
    let clock: LockedBox<Date>
    let handlers: ComplaintsHandlers

    static func with<T: Sendable>(_ settings: ComplaintsSettings = ComplaintsSettings(), _ body: (ComplaintsHarness) async throws -> T) async throws -> T {
        let clock = LockedBox(Date(timeIntervalSince1970: 1_796_601_600)) // Monday 2026-12-07 00:00 UTC
        return try await HandlerHarness.with(.complaints, define: { database, logger in
            complaintsDefinition(database: database, settings: settings, logger: logger, now: { clock.value })
        }) { kit in
            try await body(ComplaintsHarness(
                kit: kit, clock: clock, handlers: ComplaintsHandlers(database: kit.database, settings: settings, now: { clock.value })))
        }
    }

    func advance(days: Double) { clock.mutate { $0 += days * 86400 } }

    /// One round of the clock's timer, as one replica would run it.
    @discardableResult
    func tick() async throws -> Int { try await ComplaintTimers.escalateDue(now: clock.value, handlers: handlers, logger: kit.logger) }

    /// A person acting for a company.
    static func member(of companyID: UUID = UUID(), roles: [String] = ["purchaser"]) -> Actor {
        Actor(accountID: UUID(), companyID: companyID, roles: roles, sessionID: UUID())
    }

    static func staff(_ role: String = "support") -> Actor { Actor(accountID: UUID(), roles: [role], sessionID: UUID()) }

    /// A buyer and a supplier that talked about a conversation-less RFQ and a quote; answers the quote id.
    func quote(buyer: UUID, supplier: UUID) async throws -> UUID {
        let rfq = UUID()
        let quote = UUID()
        try await kit.deliver(RFQPosted(
            rfqID: rfq, buyerCompanyID: buyer, categoryID: "gear-pumps", destinationCountry: "NG", deadline: clock.value + 14 * 86400,
            matchedCompanyIDs: [supplier], title: "Gear pumps", postedAt: clock.value))
        try await kit.deliver(QuoteSubmitted(quoteID: quote, rfqID: rfq, buyerCompanyID: buyer, supplierCompanyID: supplier, submittedAt: clock.value))
        return quote
    }

    func file(_ by: Actor, against: UUID, about subject: ComplaintSubject, category: String = "quality") async throws -> Complaint {
        try await kit.send(FileComplaint(
            againstCompanyID: against, subject: ComplaintSubjectFields(kind: subject.kind.rawValue, id: subject.id), category: category,
            description: "The pumps leak at 180 bar.", desiredOutcome: "Replace the batch"), actor: by)
    }

    func act(_ actor: Actor, _ id: UUID, _ action: String, text: String? = nil, proposal: ProposalFields? = nil) async throws -> Complaint {
        try await kit.send(TakeComplaintAction(complaintID: id, action: action, text: text, proposal: proposal), actor: actor)
    }

    func timeline(_ id: UUID, as actor: Actor) async throws -> [ComplaintEvent] {
        try await kit.send(ListComplaintEvents(complaintID: id), actor: actor).items
    }
}
