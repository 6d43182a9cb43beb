import Contracts
import Foundation
import MessageBus
import Persistence

/// What every matchmaking request handler works with; the handlers are split by topic
/// (categories and showcases, products, search, follows) in extensions of this type.
struct MatchmakingHandlers: Sendable {
    let database: Database
    let categories: Categories
    /// The time deadlines are compared with (a test's own clock in tests).
    let now: @Sendable () -> Date

    var records: OnlineRecords { OnlineRecords(database: database) }

    /// Registers every request of the matchmaking service.
    func register(into handlers: inout RPCHandlers) {
        handlers.register(ListCategories.self) { _, _ in categories.tree }
        handlers.register(SetExhibitor.self, setExhibitor)
        handlers.register(GetExhibitor.self, getExhibitor)
        handlers.register(CreateProduct.self, createProduct)
        handlers.register(GetProduct.self, getProduct)
        handlers.register(UpdateProduct.self, updateProduct)
        handlers.register(DeleteProduct.self, deleteProduct)
        handlers.register(ListMyProducts.self, listMyProducts)
        handlers.register(Search.self, search)
        handlers.register(FollowTarget.self, follow)
        handlers.register(UnfollowTarget.self, unfollow)
        handlers.register(ListFollows.self, listFollows)
        handlers.register(PostRFQ.self, postRFQ)
        handlers.register(GetRFQ.self, getRFQ)
        handlers.register(ListRFQs.self, listRFQs)
        handlers.register(CloseRFQ.self, closeRFQ)
        handlers.register(SubmitQuote.self, submitQuote)
        handlers.register(ListQuotes.self, listQuotes)
        handlers.register(ReviseQuote.self, reviseQuote)
        handlers.register(DecideQuote.self, decideQuote)
        handlers.register(GetHistory.self, getHistory)
        handlers.register(ClearHistory.self, clearHistory)
        handlers.register(ReportVisitDuration.self, reportVisitDuration)
        handlers.register(GetBuyerInterest.self, getBuyerInterest)
        handlers.register(GetRecommendations.self, getRecommendations)
        handlers.register(GetStatistics.self, getStatistics)
    }
}

extension Problem.Code {
    static let supplierNotVerified = Problem.Code("supplier-not-verified")
}

extension Problem {
    static let supplierNotVerified = Problem(
        status: 403, code: .supplierNotVerified, title: "Only verified suppliers can publish products",
        detail: "save it as a draft; it can be published once staff have verified the company")
}
