import Foundation
import Testing
import TestSupport

/// A security incident: staff record it with whom it touched, every named person is mailed (they
/// never agreed to marketing) and notified live, everyone sees the announcement for the group
/// described by criteria, and the regulator decision keeps its 72-hour clock.
@Suite(.serialized, .integration) struct IncidentJourneyTests {
    @Test func theAffectedAreToldByMailAndLiveAndTheRegulatorClockRuns() async throws {
        try await AccountsStack.with(backends: [.messaging, .marketing, .dataRights]) { stack in
            let first = try await stack.company("purchaser")
            let second = try await stack.company("supplier")
            let bystander = try await stack.company("purchaser")
            for person in [first, second] { try await stack.waitUntilMarketingKnows(person.accountID) }
            let admin = try #require(try await stack.signIn(stack.adminEmail, AccountsStack.adminPassword)["token"] as? String)
            let record = { (body: [String: any Sendable], token: String) in
                try await http("POST", stack.url("/v1/admin/incidents"), token: token, json: body)
            }
            let discovered = Date(timeIntervalSinceNow: -80 * 3600)
            let incident: [String: any Sendable] = [
                "title": "Exposed sign-in log", "discoveredAt": discovered.formatted(.iso8601),
                "description": "A log of sign-in addresses was readable by a contractor.\nIt held no passwords.",
                "affected": ["accountIDs": [first.accountID, second.accountID], "criteria": "Everyone who signed in on 6 December"] as [String: any Sendable],
                "measures": "The log was deleted and the contractor's access revoked.",
                "advice": "Be wary of mails that ask for your password; we never do.",
            ]

            #expect(try await record(incident, first.token).status == 403, "admins only")
            var bad = incident
            bad["affected"] = [String: any Sendable]()
            #expect(try await record(bad, admin).fieldErrors == ["affected"])
            var mistyped = incident
            mistyped["affected"] = ["accountIDs": [first.accountID, UUID().uuidString]] as [String: any Sendable]
            #expect(try await record(mistyped, admin).code == "unknown-affected-accounts", "its person would never be told")
            var early = incident
            early["discoveredAt"] = Date(timeIntervalSinceNow: 86400).formatted(.iso8601)
            #expect(try await record(early, admin).code == "discovered-in-future", "it would move the regulator deadline")
            let recorded = try await record(incident, admin)
            #expect(recorded.status == 201 && recorded["overdue"] as? Bool == true, "72 hours passed without a decision")
            let incidentID = try #require(recorded["id"] as? String)
            let due = try #require((recorded["regulatorDueAt"] as? String).flatMap { try? Date($0, strategy: .iso8601) })
            #expect(abs(due.timeIntervalSince(discovered) - 72 * 3600) < 1)
            let notices = { (token: String) in
                ((try await http("GET", stack.url("/v1/me/notices"), token: token))["items"] as? [[String: Any]]) ?? []
            }
            #expect(try await notices(first.token).isEmpty, "nobody is told before staff send the notices")

            let notify = { try await http("POST", stack.url("/v1/admin/incidents/\(incidentID)/notifications"), token: admin) }
            let notified = try await notify()
            #expect(notified.status == 202 && notified["notifiedAt"] != nil)
            #expect(try await notify().code == "incident-notified", "once")

            for person in [first, second] {
                let mail = try await MailSink.waitForMail(to: person.email, subject: "Security notice: Exposed sign-in log")
                #expect(mail.text?.contains("Be wary of mails that ask for your password; we never do.") == true)
                #expect(mail.text?.contains("It held no passwords.") == true)
                let told = await eventually(timeout: .seconds(30)) {
                    let list = try? await http("GET", stack.url("/v1/me/notifications"), token: person.token)
                    return (list?["items"] as? [[String: Any]])?.contains { $0["type"] as? String == "security-incident" } == true
                }
                #expect(told, "a live notification")
                let own = try await notices(person.token)
                #expect(Set(own.compactMap { $0["kind"] as? String }) == ["individual", "announcement"])
                #expect(own.allSatisfy { ($0["incidentID"] as? String)?.lowercased() == incidentID.lowercased() })
            }
            let seenByBystander = try await notices(bystander.token)
            #expect(seenByBystander.map { $0["kind"] as? String } == ["announcement"], "everyone sees the announcement, only the named their own notice")
            #expect(try MailSink.mails(to: bystander.email).allSatisfy { $0.header("Subject") != "Security notice: Exposed sign-in log" })

            // The regulator decision: once, and late after the 72 hours.
            let decide = { (body: [String: any Sendable]) in
                try await http("POST", stack.url("/v1/admin/incidents/\(incidentID)/regulator-decision"), token: admin, json: body)
            }
            #expect(try await decide(["reason": "Unlikely to result in a risk."]).fieldErrors == ["notify"])
            let decided = try await decide(["notify": true, "reason": "Addresses of many people were exposed to a third party."])
            let decision = try #require(decided["regulatorDecision"] as? [String: Any])
            #expect(decision["notify"] as? Bool == true && decision["late"] as? Bool == true && decided["overdue"] as? Bool == false)
            #expect(try await decide(["notify": false, "reason": "Changed our mind."]).code == "regulator-decided")

            var fresh = incident
            fresh["discoveredAt"] = Date(timeIntervalSinceNow: -3600).formatted(.iso8601)
            fresh["affected"] = ["accountIDs": [first.accountID]] as [String: any Sendable]
            #expect(try await record(fresh, admin)["overdue"] as? Bool == false, "within its 72 hours")
            let listed = try await http("GET", stack.url("/v1/admin/incidents"), token: admin)
            let items = try #require(listed["items"] as? [[String: Any]])
            #expect(items.count == 2 && (items.last?["id"] as? String)?.lowercased() == incidentID.lowercased(), "newest discovery first")
            #expect(try await http("GET", stack.url("/v1/admin/incidents"), token: first.token).status == 403)
        }
    }
}
