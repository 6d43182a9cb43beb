import Contracts
import Foundation
import Logging
import MessageBus
import TestSupport

/// `expo-bench data-rights`: the whole platform as processes; a person with data in every service
/// asks for their data and another for erasure, each timed from the request to the downloadable
/// export or the completed erasure; then `concurrent` people ask at once and none may be left
/// stuck.
struct DataRightsBench {
    var rounds = 3
    var concurrent = 100
    var output: String?
    var command = "deploy/stack bench data-rights"
    let logger: Logger

    static let usage = """
        expo-bench data-rights [--rounds N] [--concurrent N] [--output FILE] [--command TEXT]
        """
    /// A request still open after this long counts as stuck.
    static let patience: Duration = .seconds(120)

    init(_ arguments: [String], logger: Logger) throws {
        self.logger = logger
        var arguments = BenchArguments(arguments)
        while let flag = arguments.nextFlag() {
            switch flag {
            case "--rounds": rounds = try arguments.number(flag, atLeast: 1)
            case "--concurrent": concurrent = try arguments.number(flag, atLeast: 1)
            case "--output": output = try arguments.value(flag)
            case "--command": command = try arguments.value(flag)
            default: throw BenchUsage(Self.usage)
            }
        }
    }

    func execute() async throws {
        let platform = try await FullPlatform.start(logger: logger)
        do {
            let report = try await measure(base: platform.base, admin: platform.adminToken)
            print(report)
            if let output { try report.write(toFile: output, atomically: true, encoding: .utf8) }
        } catch {
            await platform.stop()
            throw error
        }
        await platform.stop()
    }

    private func measure(base: String, admin: String) async throws -> String {
        // Suppliers and purchasers alternate: 4 per round gives each round two purchasers.
        logger.info("registering \(4 * rounds + concurrent) accounts")
        let people = try await BenchAccounts.register(4 * rounds + concurrent, base: base)
        let suppliers = people.filter { $0.businessType == "supplier" }
        let purchasers = people.filter { $0.businessType == "purchaser" }
        guard purchasers.count >= 2 * rounds, let supplier = suppliers.first else { throw TestFailure("too few accounts registered") }

        var accessTimes = LoadResult()
        var erasureTimes = LoadResult()
        for round in 0..<rounds {
            let asker = purchasers[2 * round]
            let leaver = purchasers[2 * round + 1]
            try await giveDataEverywhere(asker, supplier: supplier, base: base, complaintStaysOpen: true)
            try await giveDataEverywhere(leaver, supplier: supplier, base: base, complaintStaysOpen: false)
            let (accessID, accessTime) = try await timed(kind: "access", by: asker, base: base, admin: admin)
            let export = try await http("GET", "\(base)/v1/me/exports/\(accessID)", token: asker.token)
            guard export.status == 200, export.headers["content-type"] == "application/zip" else {
                throw TestFailure("the export of round \(round) answered \(export.status)")
            }
            accessTimes.record(accessTime, ok: true)
            let erasureTime = try await timed(kind: "erasure", by: leaver, base: base, admin: admin).elapsed
            erasureTimes.record(erasureTime, ok: true)
            logger.info("round", metadata: ["round": "\(round)", "access": "\(accessTime)", "erasure": "\(erasureTime)"])
        }

        logger.info("\(concurrent) access requests at once")
        let crowd = Array(people.filter { person in !purchasers.prefix(2 * rounds).contains { $0.accountID == person.accountID } }.prefix(concurrent))
        let started = ContinuousClock.now
        let outcomes = await withTaskGroup(of: Outcome.self) { group in
            for person in crowd {
                group.addTask {
                    do {
                        return .completed(try await timed(kind: "access", by: person, base: base, admin: admin).elapsed)
                    } catch let failure as BenchFailure {
                        return failure.outcome
                    } catch {
                        return .refused("\(error)")
                    }
                }
            }
            var outcomes: [Outcome] = []
            for await outcome in group { outcomes.append(outcome) }
            return outcomes
        }
        let wall = (ContinuousClock.now - started).secondsValue
        var done = LoadResult()
        for case .completed(let elapsed) in outcomes { done.record(elapsed, ok: true) }
        let stuck = outcomes.filter { if case .stuck = $0 { true } else { false } }.count
        let refusals = outcomes.compactMap { if case .refused(let why) = $0 { why } else { nil } }
        let machine = await Machine.describe()
        let met = accessTimes.milliseconds(100) < 10_000 && erasureTimes.milliseconds(100) < 10_000 && done.completed == crowd.count
        return """
            # Data-rights benchmark

            `\(command)`, \(machine.date), commit \(machine.commit); \(machine.summary); \(machine.software).

            The seven processes of the platform (one of each) on fresh schemas, `EXPO_DATA_RIGHTS_TASK_SECONDS` 1. Each timed
            person has an account, a conversation with a supplier, an RFQ, a complaint, cookie choices and marketing's contact
            record, so every service holds something of them. Times run from `POST /v1/me/data-requests` (the password
            confirmed by accounts) until the request reads `completed`, polled every 100 ms; an access request's zip is then
            downloaded and checked. The person who asks for erasure withdrew their complaint first (an open one holds their data).

            | | rounds | median s | max s |
            |---|---|---|---|
            | access, until the export can be downloaded | \(accessTimes.completed) | \(Self.seconds(accessTimes, 50)) | \(Self.seconds(accessTimes, 100)) |
            | erasure, until completed | \(erasureTimes.completed) | \(Self.seconds(erasureTimes, 50)) | \(Self.seconds(erasureTimes, 100)) |

            \(crowd.count) access requests at once (people with an account and a contact record): \(done.completed) completed,
            \(stuck) stuck (open after \(Int(Self.patience.secondsValue)) s), \(refusals.count) not taken\(refusals.isEmpty ? "" : " (" + Set(refusals).sorted().joined(separator: "; ") + ")"); median \(Self.seconds(done, 50)) s,
            95th percentile \(Self.seconds(done, 95)) s, last \(Self.seconds(done, 100)) s; \(String(format: "%.2f", wall)) s in all.

            Targets (under 10 s each, \(concurrent) at once without a stuck one): **\(met ? "met" : "not met")**.

            """
    }

    /// Asks for `kind` as `person` and waits until the request completes; its id and the seconds it took.
    /// An erased person can no longer sign in, so an erasure is followed in staff's queue.
    private func timed(kind: String, by person: BenchAccount, base: String, admin: String) async throws -> (id: String, elapsed: Duration) {
        let started = ContinuousClock.now
        let created = try await http("POST", "\(base)/v1/me/data-requests", token: person.token,
                                     json: ["kind": kind, "password": BenchAccounts.password], timeout: 30)
        guard created.status == 202, let id = created["id"] as? String else {
            throw BenchFailure(outcome: .refused("\(created.status) \(created.code ?? "")"))
        }
        var state: [String: any Sendable] = [:]
        while ContinuousClock.now - started < Self.patience {
            if kind == "erasure" {
                let queue = try? await http("GET", "\(base)/v1/admin/data-requests?limit=100", token: admin, timeout: 30)
                state = (queue?["items"] as? [[String: any Sendable]])?.first { ($0["id"] as? String)?.lowercased() == id.lowercased() } ?? [:]
            } else {
                state = (try? await http("GET", "\(base)/v1/me/data-requests/\(id)", token: person.token, timeout: 30))?.json ?? [:]
            }
            if let status = state["status"] as? String, !["in-progress", "waiting-for-services"].contains(status) {
                guard status == "completed" else { throw TestFailure("a \(kind) request ended \(status)") }
                return (id, ContinuousClock.now - started)
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        let parts = (state["parts"] as? [[String: Any]] ?? []).map { "\($0["service"] ?? "?") \($0["state"] ?? "?") after \($0["attempts"] ?? "?")" }
        throw BenchFailure(outcome: .stuck("\(kind) \(state["status"] ?? "?"): \(parts.joined(separator: ", "))"))
    }

    enum Outcome: Sendable {
        case completed(Duration)
        /// The request was not taken (its answer's status and code).
        case refused(String)
        /// Taken, and still open after `patience`: where its parts stand.
        case stuck(String)
    }

    struct BenchFailure: Error, CustomStringConvertible {
        let outcome: Outcome
        var description: String { "\(outcome)" }
    }

    /// Data of `person` in every service: a conversation, an RFQ, a complaint about the
    /// conversation, cookie choices (and the contact record marketing keeps from registration).
    private func giveDataEverywhere(_ person: BenchAccount, supplier: BenchAccount, base: String, complaintStaysOpen: Bool) async throws {
        let conversation = try await retried { try await http("POST", "\(base)/v1/conversations", token: person.token, json: [
            "companyID": supplier.companyID, "text": "Do you ship gear pumps to Lagos?",
        ]) }
        guard let conversationID = conversation["id"] as? String else { throw TestFailure("no conversation: \(conversation.json)") }
        _ = try await retried { try await http("POST", "\(base)/v1/rfqs", token: person.token, json: [
            "title": "Gear pumps for a bottling line", "categoryID": "gear-pumps", "quantity": ["amount": 40, "unit": "pieces"] as [String: any Sendable],
            "destinationCountry": "NG", "deadline": Date(timeIntervalSinceNow: 14 * 86400).formatted(.iso8601),
        ]) }
        let complaint = try await retried { try await http("POST", "\(base)/v1/complaints", token: person.token, json: [
            "againstCompanyID": supplier.companyID, "subject": ["kind": "conversation", "id": conversationID] as [String: any Sendable],
            "category": "quality", "description": "The sample pump leaked.",
        ]) }
        guard let complaintID = complaint["id"] as? String else { throw TestFailure("no complaint: \(complaint.json)") }
        if !complaintStaysOpen {
            let withdrawn = try await http("POST", "\(base)/v1/complaints/\(complaintID)/actions", token: person.token, json: ["action": "withdraw"])
            guard withdrawn.status == 200 else { throw TestFailure("withdrawing answered \(withdrawn.status): \(withdrawn.json)") }
        }
        let policy = try await http("GET", "\(base)/v1/privacy-policy")
        _ = try await http("PUT", "\(base)/v1/me/consents", token: person.token, json: [
            "analytics": true, "personalization": true, "policyVersion": policy["version"] as? String ?? "1",
        ])
    }

    /// Repeats a write while a service has not learnt of the company yet (409 `company-not-ready`,
    /// 404 for the supplier at messaging, 422 `not-a-party` while the conversation travels to complaints).
    private func retried(_ call: () async throws -> HTTPAnswer) async throws -> HTTPAnswer {
        var answer = try await call()
        let deadline = ContinuousClock.now + .seconds(30)
        while answer.status == 404 || ["company-not-ready", "not-a-party"].contains(answer.code ?? ""), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
            answer = try await call()
        }
        guard (200..<300).contains(answer.status) else { throw TestFailure("answered \(answer.status): \(answer.json)") }
        return answer
    }

    /// A percentile of `result` in seconds, as the report writes it.
    static func seconds(_ result: LoadResult, _ percentile: Double) -> String {
        result.completed == 0 ? "–" : String(format: "%.2f", result.milliseconds(percentile) / 1000)
    }
}
