import Foundation
import Testing
import TestSupport

/// Every service's retention sweeper records what each run removed, and staff read it in one report
/// that names the services that did not answer.
@Suite(.serialized, .integration) struct RetentionReportJourneyTests {
    @Test func eachSweeperReportsWhatItRemovedAndStaffSeeItPerService() async throws {
        try await AccountsStack.with(accounts: ["EXPO_RETENTION_SWEEP_SECONDS": "1"], backends: [.marketing, .dataRights]) { stack in
            let admin = try #require(try await stack.signIn(stack.adminEmail, AccountsStack.adminPassword)["token"] as? String)
            let person = try await stack.company("purchaser")
            #expect(try await http("GET", stack.url("/v1/admin/retention-report"), token: person.token).status == 403)

            // A live ticket that ran out an hour ago: the accounts sweeper removes it on its next run.
            try await TestDatabase.adminExecute("""
                INSERT INTO \(stack.schema).live_tickets (token_hash, session_id, expires_at)
                SELECT decode(md5(random()::text), 'hex'), id, now() - interval '1 hour' FROM \(stack.schema).sessions
                WHERE account_id = '\(person.accountID)' LIMIT 1
                """)
            var report: [[String: Any]] = []
            var unreachable: [String] = []
            let removed = await eventually(timeout: .seconds(60), interval: .milliseconds(300)) {
                let answer = try? await http("GET", stack.url("/v1/admin/retention-report"), token: admin)
                report = (answer?["services"] as? [[String: Any]]) ?? []
                unreachable = (answer?["unreachable"] as? [String]) ?? []
                let accounts = report.first { $0["service"] as? String == "accounts" }
                let tickets = (accounts?["rules"] as? [[String: Any]])?.first { $0["name"] as? String == "live tickets" }
                return (tickets?["removedLast30Days"] as? Int ?? 0) >= 1
            }
            #expect(removed, "the accounts sweeper reported the expired ticket: \(report)")
            #expect(try await TestDatabase.adminCount("SELECT count(*) FROM \(stack.schema).live_tickets") == 0)
            // Every running backend reports, each rule by name, the platform's bookkeeping included; the others are named.
            #expect(Set(report.compactMap { $0["service"] as? String }) == ["accounts", "marketing", "data-rights"])
            #expect(Set(unreachable) == ["matchmaking", "messaging", "complaints"], "this stack runs no other backend")
            let marketing = try #require(report.first { $0["service"] as? String == "marketing" })
            let names = Set(((marketing["rules"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String })
            #expect(names.isSuperset(of: ["mail records", "outbox", "inbox", "idempotency keys"]), "\(names)")
        }
    }
}
