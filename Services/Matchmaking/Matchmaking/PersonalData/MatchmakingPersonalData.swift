import Contracts
import Foundation
import MessageBus
import Persistence
import ServiceRuntime

/// Matchmaking's data-rights part. About a person it holds: which company they act for, what they
/// follow, what they visited and searched for, their consent choices, the RFQs they posted, and
/// which catalogue entries, showcase edits and quotes are attributed to them. Erasure deletes
/// what is theirs and detaches them from the rest. The catalogue
/// itself is the company's business data; a cancelled company's is unpublished by `AccountErased`.
struct MatchmakingPersonalData: PersonalDataPart {
    func export(_ task: DataSubjectTask, in transaction: Transaction) async throws -> (categories: [PersonalDataCategory], document: String) {
        var document = Document()
        for try await companyID in try await transaction.query("""
            SELECT company_id FROM members WHERE account_id = \(task.accountID)
            """).decode(UUID.self) { document.companyID = companyID }
        for try await (kind, id, at) in try await transaction.query("""
            SELECT kind, target_id, followed_at FROM follows WHERE account_id = \(task.accountID) ORDER BY followed_at
            """).decode((String, UUID, Date).self) { document.follows.append(.init(kind: kind, id: id, followedAt: at)) }
        for try await (id, name, created) in try await transaction.query("""
            SELECT id, name, created_by = \(task.accountID) FROM products
            WHERE created_by = \(task.accountID) OR updated_by = \(task.accountID) ORDER BY created_at
            """).decode((UUID, String, Bool).self) {
            document.products.append(.init(id: id, name: name, role: created ? "created" : "last edited"))
        }
        for try await (id, title, at) in try await transaction.query("""
            SELECT id, title, created_at FROM rfqs WHERE posted_by = \(task.accountID) ORDER BY created_at
            """).decode((UUID, String, Date).self) { document.rfqs.append(.init(id: id, title: title, postedAt: at)) }
        for try await (id, rfqID, at) in try await transaction.query("""
            SELECT id, rfq_id, updated_at FROM quotes WHERE submitted_by = \(task.accountID) ORDER BY created_at
            """).decode((UUID, UUID, Date).self) { document.quotes.append(.init(id: id, rfqID: rfqID, lastSubmittedAt: at)) }
        for try await (kind, id, at, duration) in try await transaction.query("""
            SELECT kind, target_id, visited_at, duration_seconds FROM visits WHERE account_id = \(task.accountID) ORDER BY visited_at
            """).decode((String, UUID, Date, Int?).self) {
            document.visits.append(.init(kind: kind, id: id, visitedAt: at, durationSeconds: duration))
        }
        for try await (query, kind, at) in try await transaction.query("""
            SELECT query, kind, searched_at FROM searches WHERE account_id = \(task.accountID) ORDER BY searched_at
            """).decode((String, String, Date).self) { document.searches.append(.init(query: query, kind: kind, searchedAt: at)) }
        let categories = [
            PersonalDataCategory(
                name: "follows", purpose: "showing the person the exhibitors and products they follow",
                legalBasis: "contract", retention: "until unfollowed or the account is erased"),
            PersonalDataCategory(
                name: "catalogue attribution", purpose: "recording which person acted for the company",
                legalBasis: "legitimate interest (accountability for published offers)", retention: "until the account is erased"),
            PersonalDataCategory(
                name: "online records", purpose: "the person's own history, recommendations, sharing a buyer's interest with sellers, and de-identified statistics where analytics is allowed",
                legalBasis: "legitimate interest (objectable), consent for statistics", retention: "\(OnlineRecords.retentionDays) days, or until cleared"),
            PersonalDataCategory(
                name: "purchasing requirements and quotes", purpose: "matching the person's RFQs with suppliers, and recording who quoted",
                legalBasis: "contract", retention: "until the account is erased (RFQs) or detached from the person (quotes)"),
        ]
        return (categories, String(decoding: try MessageCodec.encode(document), as: UTF8.self))
    }

    func erase(_ task: DataSubjectTask, in transaction: Transaction) async throws -> String? {
        if let hold = try await ComplaintHolds.hold(on: task.accountID, on: transaction) { return hold }
        try await Self.forget(task.accountID, on: transaction)
        return nil
    }

    /// Deletes what is the person's own (follows, and the RFQs with their quotes of a company they
    /// were the last member of) and detaches them from what they did for their company, which
    /// keeps it while it has other members.
    static func forget(_ accountID: UUID, on transaction: Transaction) async throws {
        try await transaction.query("DELETE FROM follows WHERE account_id = \(accountID)")
        try await transaction.query("DELETE FROM visits WHERE account_id = \(accountID)")
        try await transaction.query("DELETE FROM searches WHERE account_id = \(accountID)")
        try await transaction.query("DELETE FROM activity_days WHERE account_id = \(accountID)")
        try await transaction.query("DELETE FROM consents WHERE subject_id = \(accountID)")
        try await transaction.query("UPDATE products SET created_by = NULL WHERE created_by = \(accountID)")
        try await transaction.query("UPDATE products SET updated_by = NULL WHERE updated_by = \(accountID)")
        try await transaction.query("UPDATE exhibitors SET updated_by = NULL WHERE updated_by = \(accountID)")
        try await transaction.query("""
            DELETE FROM rfqs r WHERE posted_by = \(accountID)
              AND NOT EXISTS (SELECT 1 FROM members m WHERE m.company_id = r.buyer_company_id AND m.account_id <> \(accountID))
            """)
        try await transaction.query("UPDATE rfqs SET posted_by = NULL WHERE posted_by = \(accountID)")
        try await transaction.query("UPDATE quotes SET submitted_by = NULL WHERE submitted_by = \(accountID)")
        try await transaction.query("DELETE FROM members WHERE account_id = \(accountID)")
    }

    struct Document: Codable {
        var companyID: UUID?
        var follows: [FollowRecord] = []
        var products: [Attribution] = []
        var rfqs: [RFQRecord] = []
        var quotes: [QuoteRecord] = []
        var visits: [VisitRecord] = []
        var searches: [SearchRecord] = []
    }

    struct VisitRecord: Codable {
        var kind: String
        var id: UUID
        var visitedAt: Date
        var durationSeconds: Int?
    }

    struct SearchRecord: Codable {
        var query: String
        var kind: String
        var searchedAt: Date
    }

    struct RFQRecord: Codable {
        var id: UUID
        var title: String
        var postedAt: Date
    }

    struct QuoteRecord: Codable {
        var id: UUID
        var rfqID: UUID
        var lastSubmittedAt: Date
    }

    struct FollowRecord: Codable {
        var kind: String
        var id: UUID
        var followedAt: Date
    }

    struct Attribution: Codable {
        var id: UUID
        var name: String
        var role: String
    }
}
