@testable import Accounts
import Contracts
import Foundation
import ServiceRuntime
import TestSupport
import Testing

/// Tickets for the live socket: one use, only while their session lasts, only their hash kept.
@Suite(.integration) struct LiveTicketTests {
    @Test func aTicketOpensOneSocketForItsSessionAndIsStoredOnlyAsAHash() async throws {
        try await AccountsHarness.with { harness in
            let account = try await harness.register()
            let session = try await harness.signIn(account.email)
            let actor = try await harness.actor(session)
            let ticket = try await harness.handlers.issueLiveTicket(IssueLiveTicket(), harness.context(IssueLiveTicket.type, actor: actor))
            #expect(ticket.expiresAt.timeIntervalSinceNow <= 60 && ticket.expiresAt.timeIntervalSinceNow > 30)
            #expect(try await harness.count("SELECT count(*) FROM live_tickets WHERE token_hash = \(SecretToken.hash(ticket.ticket))") == 1)

            let redeem = { try await harness.handlers.redeemLiveTicket(RedeemLiveTicket(ticket: ticket.ticket), harness.context(RedeemLiveTicket.type)) }
            let redeemed = try await redeem()
            #expect(redeemed.accountID == account.id && redeemed.sessionID == actor.sessionID)
            let again = try await problem { try await redeem() }
            #expect(again?.status == 401, "single use")
            let unknown = try await problem {
                try await harness.handlers.redeemLiveTicket(RedeemLiveTicket(ticket: "no such ticket"), harness.context(RedeemLiveTicket.type))
            }
            #expect(unknown?.status == 401)
        }
    }

    @Test func aTicketOfAnEndedSessionIsRefused() async throws {
        try await AccountsHarness.with { harness in
            let account = try await harness.register()
            let actor = try await harness.actor(try await harness.signIn(account.email))
            let ticket = try await harness.handlers.issueLiveTicket(IssueLiveTicket(), harness.context(IssueLiveTicket.type, actor: actor))
            _ = try await harness.handlers.endSession(EndSession(sessionID: nil), harness.context(EndSession.type, actor: actor))
            let refused = try await problem {
                try await harness.handlers.redeemLiveTicket(RedeemLiveTicket(ticket: ticket.ticket), harness.context(RedeemLiveTicket.type))
            }
            #expect(refused?.status == 401)
        }
    }
}
