import Contracts
import Foundation
import MessageBus
import Persistence
import ServiceRuntime

/// Disclosures to third parties: recorded by staff, shown to the person, listed in every export.
struct DisclosureHandlers: Sendable {
    let database: Database

    func register(into handlers: inout RPCHandlers) {
        handlers.register(RecordDisclosure.self, recordDisclosure)
        handlers.register(ListMyDisclosures.self, listMine)
    }

    /// `data-rights.record-disclosure.v1`.
    @Sendable func recordDisclosure(_ request: RecordDisclosure, _ context: RequestContext) async throws -> Disclosure {
        let actor = try context.caller()
        var checks = FieldChecks()
        if request.accountID == nil { checks.fail("accountID", "is required") }
        let recipient = checks.required("recipient", request.recipient, maxLength: 200)
        let purpose = checks.required("purpose", request.purpose, maxLength: 500)
        let legalBasis = checks.required("legalBasis", request.legalBasis, maxLength: 200)
        let categories = request.dataCategories ?? []
        if !(1...20).contains(categories.count) { checks.fail("dataCategories", "must name 1 to 20 kinds of data") }
        let named = categories.enumerated().compactMap { index, name in checks.required("dataCategories[\(index)]", name, maxLength: 100) }
        try checks.finish()
        guard let accountID = request.accountID, let recipient, let purpose, let legalBasis else {
            throw Problem.internalError("validation let a missing field through")
        }
        return try await database.transaction(context, idempotent: try MessageCodec.encode(request)) { transaction in
            let id = UUID()
            let rows = try await transaction.query("""
                INSERT INTO disclosures (id, account_id, recipient, purpose, legal_basis, data_categories, recorded_by)
                VALUES (\(id), \(accountID), \(recipient), \(purpose), \(legalBasis), \(named), \(actor.accountID)) RETURNING disclosed_at
                """)
            let at = try await rows.decode(Date.self).first { _ in true } ?? Date()
            return Disclosure(id: id, accountID: accountID, recipient: recipient, purpose: purpose, legalBasis: legalBasis, dataCategories: named,
                              disclosedAt: at, recordedBy: actor.accountID)
        }
    }

    /// `data-rights.list-my-disclosures.v1`: newest first, without who recorded them.
    @Sendable func listMine(_: ListMyDisclosures, _ context: RequestContext) async throws -> DisclosureList {
        let actor = try context.caller()
        return try await database.transaction(context) { transaction in
            DisclosureList(items: try await Self.disclosures(of: actor.accountID, on: transaction).map {
                var seen = $0
                seen.recordedBy = nil
                return seen
            })
        }
    }

    static func disclosures(of accountID: UUID, on transaction: Transaction) async throws -> [Disclosure] {
        var items: [Disclosure] = []
        for try await (id, recipient, purpose, legalBasis, categories, at, by) in try await transaction.query("""
            SELECT id, recipient, purpose, legal_basis, data_categories, disclosed_at, recorded_by FROM disclosures
            WHERE account_id = \(accountID) ORDER BY disclosed_at DESC, id
            """).decode((UUID, String, String, String, [String], Date, UUID?).self) {
            items.append(Disclosure(id: id, accountID: accountID, recipient: recipient, purpose: purpose, legalBasis: legalBasis,
                                    dataCategories: categories, disclosedAt: at, recordedBy: by))
        }
        return items
    }
}
