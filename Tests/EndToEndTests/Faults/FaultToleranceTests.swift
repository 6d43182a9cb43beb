import Foundation
import Glibc
import Testing
import TestSupport

/// Steady writes through the gateway while the broker, a replica or the database fails: every
/// acknowledged write must be in the database exactly once, every committed event applied once
/// by its subscriber, no request may hang, and the platform must recover by itself.
///
/// `EXPO_FAULT_SECONDS` (default 3, the CI form) sets how long load runs before, during and after
/// each fault; the long form is `EXPO_FAULT_SECONDS=30 deploy/stack test --filter FaultToleranceTests`.
@Suite(.serialized, .integration) struct FaultToleranceTests {
    enum Fault: String, CaseIterable {
        case brokerKilled = "kill -9 RabbitMQ, restart"
        case brokerRestarted = "restart RabbitMQ gracefully"
        case replicaKilled = "kill -9 an accounts replica, restart"
        case databaseKilled = "kill -9 PostgreSQL, restart"
        case replicaFrozen = "SIGSTOP accounts past the deadline"
    }

    struct Row {
        var fault: Fault
        var requests = 0
        var acknowledged = 0
        /// Acknowledged writes missing from the database, or overwritten by an older one.
        var lost = 0
        var duplicated = 0
        var eventsCommitted = 0
        var eventsMissing = 0
        var eventsApplied = 0
        /// Writes that committed without their client hearing so (its answer lost to the fault):
        /// allowed, since the client's retry got the stored first reply instead of applying again.
        var unacknowledgedApplied = 0
        var duplicatesSuppressed = 0
        var hung = 0
        var unexpected: [String] = []
        /// The subscriber's log lines about events it failed or parked, to tell why one is missing.
        var subscriberFailures: [String] = []
        var recovery: Duration?
    }

    static let faultSeconds = Double(ProcessInfo.processInfo.environment["EXPO_FAULT_SECONDS"] ?? "") ?? 3
    /// `EXPO_FAULTS` picks some by case name (comma-separated, e.g. `databaseKilled`); all by default.
    static let faults = ProcessInfo.processInfo.environment["EXPO_FAULTS"].map { names in
        Fault.allCases.filter { names.split(separator: ",").contains(Substring("\($0)")) }
    } ?? Fault.allCases
    static let clients = 4

    @Test func acknowledgedWritesSurviveEveryFault() async throws {
        let platform = try await FaultPlatform(rpcTimeout: .seconds(3))
        var rows: [Row] = []
        do {
            try await platform.waitUntilReady()
            for fault in Self.faults {
                rows.append(try await run(fault, on: platform))
            }
        } catch {
            await platform.stop()
            throw error
        }
        await platform.stop()
        print(Self.table(rows))
        for row in rows {
            #expect(row.acknowledged > 0, "\(row.fault.rawValue): the load got answers")
            #expect(row.lost == 0, "\(row.fault.rawValue): acknowledged writes lost")
            #expect(row.duplicated == 0, "\(row.fault.rawValue): writes applied twice")
            #expect(row.eventsMissing == 0, "\(row.fault.rawValue): committed events never applied; marketing: \(row.subscriberFailures)")
            #expect(row.eventsApplied == row.eventsCommitted, "\(row.fault.rawValue): events applied once each")
            #expect(row.hung == 0, "\(row.fault.rawValue): requests hung past their deadline")
            #expect(row.unexpected.isEmpty, "\(row.fault.rawValue): \(row.unexpected.prefix(5))")
            #expect(row.recovery != nil, "\(row.fault.rawValue): recovered without help")
        }
    }

    /// Load before, during and after one fault, then the ledger checked against both databases.
    func run(_ fault: Fault, on platform: FaultPlatform) async throws -> Row {
        let ledger = FaultLedger()
        let phase = Duration.seconds(Self.faultSeconds)
        let duplicatesBefore = await platform.inboxDuplicates()
        let loadEnds = LockedBox(ContinuousClock.now + .seconds(3600))
        let client = FaultClient(
            baseURL: platform.url, ledger: ledger, requestTimeout: Double(platform.rpcTimeout.components.seconds) + 5,
            giveUpAt: .now + phase * 6 + .seconds(120))
        let healedAt = try await withThrowingTaskGroup(of: ContinuousClock.Instant?.self) { group in
            for number in 0..<Self.clients {
                group.addTask {
                    var journey = 0
                    while ContinuousClock.now < loadEnds.value {
                        await client.journey(number * 100_000 + journey)
                        journey += 1
                    }
                    return nil
                }
            }
            group.addTask {
                try await Task.sleep(for: phase)
                try await inject(fault, on: platform, holding: phase)
                let healed = ContinuousClock.now
                loadEnds.mutate { $0 = healed + phase }
                return healed
            }
            var healed: ContinuousClock.Instant?
            for try await instant in group { healed = healed ?? instant }
            return healed
        }
        return try await verify(fault, ledger: ledger, healedAt: healedAt, duplicatesBefore: duplicatesBefore, on: platform)
    }

    func inject(_ fault: Fault, on platform: FaultPlatform, holding phase: Duration) async throws {
        switch fault {
        case .brokerKilled:
            try await BrokerControl.stackInBackground("broker", "kill")
            try await Task.sleep(for: phase)
            try await BrokerControl.stackInBackground("broker", "start")
        case .brokerRestarted:
            try await BrokerControl.stackInBackground("broker", "stop")
            try await Task.sleep(for: phase)
            try await BrokerControl.stackInBackground("broker", "start")
        case .replicaKilled:
            platform.accounts[0].signal(SIGKILL)
            try await Task.sleep(for: phase)
            try platform.restartAccountsReplica(0)
        case .databaseKilled:
            try await BrokerControl.stackInBackground("db", "kill")
            try await Task.sleep(for: phase)
            try await BrokerControl.stackInBackground("db", "start")
        case .replicaFrozen:
            platform.accounts[0].signal(SIGSTOP)
            try await Task.sleep(for: max(phase, platform.rpcTimeout + .seconds(1)))
            platform.accounts[0].signal(SIGCONT)
        }
    }

    func verify(
        _ fault: Fault, ledger: FaultLedger, healedAt: ContinuousClock.Instant?, duplicatesBefore: Int, on platform: FaultPlatform
    ) async throws -> Row {
        let state = ledger.snapshot
        var row = Row(fault: fault, requests: state.requests, acknowledged: state.acknowledged, hung: state.hung, unexpected: state.unexpected)
        row.recovery = healedAt.flatMap { ledger.firstSuccess(after: $0) }
        let ids = Set(state.registered.values.map { $0.lowercased() })

        // Wait until the outbox is drained and the subscriber has caught up.
        let accounts = platform.accountsSchema
        let marketing = platform.marketingSchema
        var events: [String: Int] = [:]
        var contacts: [String: (name: String, changes: Int)] = [:]
        let settled = await eventually(timeout: .seconds(90), interval: .milliseconds(500)) {
            guard let pending = try? await platform.rows("SELECT count(*)::text FROM \(accounts).outbox WHERE state = 'pending'"),
                  pending.first?.first == "0" else { return false }
            events = [:]
            for row in (try? await platform.rows("""
                SELECT lower(convert_from(body, 'UTF8')::jsonb->>'accountID'), type FROM \(accounts).outbox
                WHERE type IN ('accounts.account-registered.v1', 'accounts.account-profile-changed.v1')
                """)) ?? [] {
                if let id = row[0], ids.contains(id) { events[id, default: 0] += 1 }
            }
            contacts = [:]
            for row in (try? await platform.rows("SELECT account_id::text, contact_name, profile_changes::text FROM \(marketing).contacts")) ?? [] {
                if let id = row[0], ids.contains(id) { contacts[id] = (row[1] ?? "", Int(row[2] ?? "") ?? 0) }
            }
            return ids.allSatisfy { id in contacts[id].map { $0.changes + 1 } == events[id] }
        }
        // Counts from queries that kept failing would compare empty with empty.
        if !settled { row.unexpected.append("the outbox never drained, or its subscriber never caught up, within 90 s") }
        row.eventsCommitted = events.values.reduce(0, +)
        row.eventsApplied = contacts.values.reduce(0) { $0 + 1 + $1.changes }
        // Each acknowledged write (a registration, a changed name) committed one event.
        row.unacknowledgedApplied = max(0, row.eventsCommitted - state.acknowledged)
        row.eventsMissing = ids.reduce(0) { total, id in total + max(0, (events[id] ?? 0) - (contacts[id].map { $0.changes + 1 } ?? 0)) }
        row.duplicatesSuppressed = await platform.inboxDuplicates() - duplicatesBefore
        if row.eventsMissing > 0 {
            // What became of the missing events: the publisher's outbox rows, and the subscriber's inbox and log.
            let missing = ids.filter { (events[$0] ?? 0) > (contacts[$0].map { $0.changes + 1 } ?? 0) }.sorted().prefix(3)
            for id in missing {
                let rows = (try? await platform.rows("""
                    SELECT o.message_id::text, o.type, o.state, o.attempts::text, o.published_at::text, i.handled_at::text
                    FROM \(accounts).outbox o LEFT JOIN \(marketing).inbox i ON i.message_id = o.message_id::text
                    WHERE lower(convert_from(o.body, 'UTF8')::jsonb->>'accountID') = '\(id)' ORDER BY o.id
                    """)) ?? []
                row.subscriberFailures.append("account \(id): " + rows.map { $0.map { $0 ?? "-" }.joined(separator: " ") }.joined(separator: "; "))
            }
            row.subscriberFailures += platform.marketing.output.split(separator: "\n")
                .filter { $0.contains("event handler failed") || $0.contains("dead-letter") }.suffix(5).map(String.init)
        }

        // Every acknowledged registration once, with its last acknowledged correction.
        var stored: [String: (count: Int, name: String)] = [:]
        for record in try await platform.rows("SELECT lower(email), id::text, contact_name FROM \(accounts).accounts") {
            guard let email = record[0] else { continue }
            stored[email, default: (0, "")].count += 1
            stored[email]?.name = record[2] ?? ""
        }
        for (email, id) in state.registered {
            guard let found = stored[email.lowercased()] else { row.lost += 1; continue }
            if found.count > 1 { row.duplicated += found.count - 1 }
            if let last = state.lastPatch[id], found.name != last { row.lost += 1 }
        }
        let orphans = try await platform.rows("""
            SELECT count(*)::text FROM \(accounts).companies c WHERE NOT EXISTS (SELECT 1 FROM \(accounts).accounts a WHERE a.company_id = c.id)
            """)
        row.duplicated += Int(orphans.first?.first.flatMap { $0 } ?? "0") ?? 0
        return row
    }

    static func table(_ rows: [Row]) -> String {
        let header = ["fault", "requests", "acked", "lost", "duplicated", "applied unacked", "events", "applied", "dup. suppressed", "hung",
                      "recovery"]
        let lines = rows.map { row in
            [row.fault.rawValue, "\(row.requests)", "\(row.acknowledged)", "\(row.lost)", "\(row.duplicated)",
             "\(row.unacknowledgedApplied)", "\(row.eventsCommitted)",
             "\(row.eventsApplied)", "\(row.duplicatesSuppressed)", "\(row.hung)",
             row.recovery.map { String(format: "%.2f s", Double($0.components.attoseconds) / 1e18 + Double($0.components.seconds)) } ?? "never"]
        }
        let widths = header.indices.map { column in ([header] + lines).map { $0[column].count }.max() ?? 0 }
        let format = { (cells: [String]) in
            "| " + cells.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: " | ") + " |"
        }
        let rule = "|" + widths.map { String(repeating: "-", count: $0 + 2) }.joined(separator: "|") + "|"
        return (["", "Faults under load (\(clients) clients, \(faultSeconds) s before, during and after each fault):",
                 format(header), rule] + lines.map(format)).joined(separator: "\n")
    }
}
