import Contracts
import Foundation
import MessageBus
import Persistence
import ServiceRuntime

/// What every complaints request handler works with; the handlers are split by who uses them
/// (filing and reading, the parties' actions, staff) in extensions of this type.
struct ComplaintsHandlers: Sendable {
    let database: Database
    let settings: ComplaintsSettings
    let now: @Sendable () -> Date

    func register(into handlers: inout RPCHandlers) {
        handlers.register(FileComplaint.self, fileComplaint)
        handlers.register(ListComplaints.self, listComplaints)
        handlers.register(GetComplaint.self, getComplaint)
        handlers.register(ListComplaintEvents.self, listComplaintEvents)
        handlers.register(AddEvidence.self, addEvidence)
        handlers.register(TakeComplaintAction.self, takeAction)
        handlers.register(ListComplaintQueue.self, listQueue)
        handlers.register(AssignComplaint.self, assignComplaint)
        handlers.register(AddStaffNote.self, addStaffNote)
        handlers.register(DecideComplaint.self, decideComplaint)
    }
}

extension ComplaintsHandlers {
    /// The caller of a party's request about a complaint: someone acting for a company. Complaint
    /// staff see complaints but neither negotiate nor give evidence (403); to anyone else a
    /// complaint does not exist (404).
    func partyActor(_ context: RequestContext) throws -> Actor {
        let actor = try context.caller()
        guard actor.companyID == nil else { return actor }
        if ComplaintViewer(actor).staff { throw Problem.forbidden("staff assign and decide complaints; the parties negotiate them") }
        throw Problem.notFound("no complaint with this id")
    }
}

extension Problem.Code {
    static let notAParty = Problem.Code("not-a-party")
    static let transitionNotAllowed = Problem.Code("transition-not-allowed")
}

extension Problem {
    static let notAParty = Problem(
        status: 422, code: .notAParty, title: "Your company took no part in this with that company",
        detail: "a complaint is about a product you inquired about, an RFQ or quote, or a conversation between the two companies",
        errors: [.init(field: "subject", message: "is nothing your company and againstCompanyID took part in together")])

    static func transitionNotAllowed(_ action: String, _ status: ComplaintStatus) -> Problem {
        Problem(status: 409, code: .transitionNotAllowed, title: "This action is not allowed now",
                detail: "'\(action)' is not allowed on a complaint that is \(status.rawValue), or not to your side of it")
    }
}

/// Reads an outcome with its amount: the refunds need one, the others take none.
func readOutcome(
    _ outcome: String?, amount: RFQFields.Price?, field: String, amountField: String, checks: inout FieldChecks
) -> (ComplaintOutcome, Money?)? {
    let value = checks.oneOf(field, outcome, as: ComplaintOutcome.self)
    var money: Money?
    if let amount {
        let number = checks.amount("\(amountField).amount", amount.amount)
        let currency = checks.currency("\(amountField).currency", amount.currency)
        if let number, let currency { money = Money(amount: number, currency: currency) }
    }
    if let value, value == .refund || value == .partialRefund, amount == nil { checks.fail(amountField, "is required for a \(value.rawValue)") }
    if let value, value != .refund, value != .partialRefund, amount != nil { checks.fail(amountField, "is only for a refund or partial-refund") }
    guard let value else { return nil }
    return (value, money)
}
