import Contracts
import Foundation
import MessageBus
import Persistence
import ServiceRuntime

extension MatchmakingHandlers {
    /// At most this many quotes per RFQ, so buyers are not flooded.
    static let quotesPerRFQ = 20

    /// `matchmaking.submit-quote.v1`: one quote per matched, verified supplier while the RFQ is open.
    @Sendable func submitQuote(_ request: SubmitQuote, _ context: RequestContext) async throws -> Quote {
        let (actor, companyID) = try context.callerCompany()
        let draft = try QuoteDraft.read(request.fields)
        return try await database.transaction(context, idempotent: try MessageCodec.encode(request)) { transaction in
            // The lock orders concurrent quotes on one RFQ, so the cap and the one-per-supplier rule hold.
            let rfq = try await rfq(request.rfqID, for: companyID, lock: true, on: transaction, context)
            guard rfq.buyerCompanyID != companyID else { throw Problem.notFound("no RFQ you may quote on has this id") }
            guard let company = try await KnownCompany.find(companyID, on: transaction.connection, logger: context.logger), company.verified
            else { throw Problem.supplierNotVerified }
            guard rfq.status == .open else { throw Problem.rfqClosed }
            let existing = try await RFQRecords.quotes(of: rfq.id, supplier: companyID, on: transaction.connection, logger: context.logger)
            guard existing.isEmpty else { throw Problem.quoteExists }
            guard rfq.quoteCount < Self.quotesPerRFQ else { throw Problem.rfqFull }
            let id = UUID()
            let now = self.now()
            try await transaction.query("""
                INSERT INTO quotes (id, rfq_id, supplier_company_id, submitted_by, unit_price, currency, lead_time_days, terms, status,
                                    created_at, updated_at)
                VALUES (\(id), \(rfq.id), \(companyID), \(actor.accountID), \(draft.unitPrice.amount), \(draft.unitPrice.currency),
                        \(draft.leadTimeDays), \(draft.terms), 'submitted', \(now), \(now))
                """)
            try await transaction.emit(QuoteSubmitted(
                quoteID: id, rfqID: rfq.id, buyerCompanyID: rfq.buyerCompanyID, supplierCompanyID: companyID, submittedAt: now))
            return try await quote(id, of: rfq, on: transaction, context)
        }
    }

    /// `matchmaking.list-quotes.v1`: every quote for the buyer, ranked by fit; a supplier's own otherwise.
    @Sendable func listQuotes(_ request: ListQuotes, _ context: RequestContext) async throws -> QuoteList {
        let (_, companyID) = try context.callerCompany()
        return try await database.transaction(context) { transaction in
            let rfq = try await rfq(request.rfqID, for: companyID, on: transaction, context)
            let buyer = rfq.buyerCompanyID == companyID
            let rows = try await RFQRecords.quotes(
                of: rfq.id, supplier: buyer ? nil : companyID, on: transaction.connection, logger: context.logger)
            let quotes = rows.map { RFQRecords.decodeQuote($0, forBuyer: buyer) }
            return QuoteList(items: buyer ? QuoteRanking.ranked(quotes) : quotes)
        }
    }

    /// `matchmaking.revise-quote.v1`: its supplier edits it while the RFQ is open and the buyer has not decided.
    @Sendable func reviseQuote(_ request: ReviseQuote, _ context: RequestContext) async throws -> Quote {
        let (actor, companyID) = try context.callerCompany()
        return try await database.transaction(context, idempotent: try MessageCodec.encode(request)) { transaction in
            let rfq = try await rfq(request.rfqID, for: companyID, lock: true, on: transaction, context)
            let current = try await quote(request.quoteID, of: rfq, on: transaction, context)
            guard current.supplierCompanyID == companyID else { throw Problem.notFound("no quote of your company has this id") }
            try context.requireIfMatch(current)
            guard current.status == .submitted else { throw Problem.quoteDecided }
            guard rfq.status == .open else { throw Problem.rfqClosed }
            let before = QuoteDraft(unitPrice: current.unitPrice, leadTimeDays: current.leadTimeDays, terms: current.terms)
            let draft = try QuoteDraft.read(request.fields, current: before)
            guard draft != before else { return current }
            try await transaction.query("""
                UPDATE quotes SET unit_price = \(draft.unitPrice.amount), currency = \(draft.unitPrice.currency),
                    lead_time_days = \(draft.leadTimeDays), terms = \(draft.terms), submitted_by = \(actor.accountID), updated_at = \(now())
                WHERE id = \(current.id)
                """)
            return try await quote(current.id, of: rfq, on: transaction, context)
        }
    }

    /// `matchmaking.decide-quote.v1`: the buyer accepts or declines a quote, once.
    @Sendable func decideQuote(_ request: DecideQuote, _ context: RequestContext) async throws -> Quote {
        let (_, companyID) = try context.callerCompany()
        var checks = FieldChecks()
        let decision = checks.oneOf("decision", request.decision, as: QuoteDecision.self)
        try checks.finish()
        return try await database.transaction(context, idempotent: try MessageCodec.encode(request)) { transaction in
            let rfq = try await rfq(request.rfqID, for: companyID, lock: true, on: transaction, context)
            guard rfq.buyerCompanyID == companyID else { throw Problem.notFound("no quote on your company's RFQs has this id") }
            let current = try await quote(request.quoteID, of: rfq, on: transaction, context)
            guard current.status == .submitted else { throw Problem.quoteDecided }
            let status: QuoteStatus = decision == .accept ? .accepted : .declined
            let now = self.now()
            try await transaction.query("""
                UPDATE quotes SET status = \(status.rawValue), decided_at = \(now), updated_at = \(now) WHERE id = \(current.id)
                """)
            try await transaction.emit(QuoteDecided(
                quoteID: current.id, rfqID: rfq.id, supplierCompanyID: current.supplierCompanyID, status: status, decidedAt: now))
            return try await quote(current.id, of: rfq, on: transaction, context)
        }
    }

    /// The quote on `rfq` as the caller sees it: the buyer any, a supplier its own; else 404.
    func quote(_ id: UUID, of rfq: RFQ, on transaction: Transaction, _ context: RequestContext) async throws -> Quote {
        let companyID = try context.callerCompany().companyID
        let buyer = rfq.buyerCompanyID == companyID
        let rows = try await RFQRecords.quotes(of: rfq.id, supplier: buyer ? nil : companyID, on: transaction.connection, logger: context.logger)
        guard let row = rows.first(where: { $0.0 == id }) else { throw Problem.notFound("no quote you may see has this id") }
        return RFQRecords.decodeQuote(row, forBuyer: buyer)
    }
}

extension Problem.Code {
    static let rfqClosed = Problem.Code("rfq-closed")
    static let rfqFull = Problem.Code("rfq-full")
    static let quoteExists = Problem.Code("quote-exists")
    static let quoteDecided = Problem.Code("quote-decided")
}

extension Problem {
    static let rfqClosed = Problem(
        status: 409, code: .rfqClosed, title: "This RFQ takes no more quotes", detail: "it was closed by its buyer or reached its deadline")
    static let rfqFull = Problem(
        status: 409, code: .rfqFull, title: "This RFQ has all the quotes it takes",
        detail: "at most \(MatchmakingHandlers.quotesPerRFQ) quotes per RFQ, so buyers are not flooded")
    static let quoteExists = Problem(
        status: 409, code: .quoteExists, title: "Your company has quoted on this RFQ already", detail: "revise that quote instead")
    static let quoteDecided = Problem(
        status: 409, code: .quoteDecided, title: "The buyer has decided on this quote", detail: "a decided quote no longer changes")
}
