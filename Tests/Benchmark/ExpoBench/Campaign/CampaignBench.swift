import Foundation
import Logging
import Persistence
import PostgresNIO
import TestSupport

/// `expo-bench campaign`: a campaign to a generated contact directory, triggered with the
/// `expo-campaign` tool through `expo.commands`, mailed by one marketing process to the local SMTP
/// sink. Reports mails per second from the trigger to the last answer from the relay, the
/// process's CPU and memory meanwhile, and how many mails reached people the campaign must skip.
struct CampaignBench {
    var recipients = 100_000
    /// Of every 100 contacts, this many are excluded (no consent, objection, restriction,
    /// unsubscribed, suppressed address), one kind after the other.
    var excludedPercent = 10
    var connections = 8
    var output: String?
    var command = "deploy/stack bench campaign"
    let logger: Logger

    static let usage = """
        expo-bench campaign [--recipients N] [--excluded-percent P] [--connections N] [--output FILE] [--command TEXT]
        """

    init(_ arguments: [String], logger: Logger) throws {
        self.logger = logger
        var arguments = BenchArguments(arguments)
        while let flag = arguments.nextFlag() {
            switch flag {
            case "--recipients": recipients = try arguments.number(flag, atLeast: 1)
            case "--excluded-percent": excludedPercent = min(try arguments.number(flag, atLeast: 0), 99)
            case "--connections": connections = try arguments.number(flag, atLeast: 1)
            case "--output": output = try arguments.value(flag)
            case "--command": command = try arguments.value(flag)
            default: throw BenchUsage(Self.usage)
            }
        }
    }

    func execute() async throws {
        let (schema, environment) = try await TestDatabase.freshSchema(for: "marketing")
        let opsPort = freePort()
        let marketing = try ServiceProcess("marketing", instance: "bench-marketing", opsPort: opsPort, environment: environment.merging([
            "EXPO_SMTP_CONNECTIONS": "\(connections)", "EXPO_LOG_LEVEL": "warning",
        ]) { $1 })
        let database = Database(
            configuration: try DatabaseConfiguration(url: environment["EXPO_MARKETING_POSTGRES_URL"] ?? "", schema: schema), logger: logger)
        let pool = Task { await database.run() }
        defer { pool.cancel() }
        do {
            let ready = await eventually(timeout: .seconds(60), interval: .milliseconds(300)) {
                (try? await http("GET", "http://127.0.0.1:\(opsPort)/health/ready", timeout: 3))?.status == 200
            }
            guard ready else { throw TestFailure("marketing not ready: \(marketing.output.suffix(2000))") }
            let report = try await run(database, marketing: marketing)
            print(report)
            if let output { try report.write(toFile: output, atomically: true, encoding: .utf8) }
        } catch {
            _ = try? await marketing.terminate()
            try? await TestDatabase.drop(schema: schema)
            throw error
        }
        _ = try? await marketing.terminate()
        try? await TestDatabase.drop(schema: schema)
    }

    /// The directory as the accounts events would have built it, written straight into the
    /// schema: consenting purchasers in China (no opt-in needed there), and among every 100 the
    /// excluded ones, with an address that says so.
    func load(_ database: Database, run: String) async throws -> Int {
        let kinds = ["no-consent", "objected", "restricted", "unsubscribed", "suppressed"]
        try await database.transaction { connection in
            try await connection.query("""
                INSERT INTO contacts (account_id, email, contact_name, company_name, country, registered_at, company_id, business_type,
                                      industry, company_verified)
                SELECT gen_random_uuid(),
                       CASE WHEN i % 100 < \(excludedPercent) THEN 'excluded-' || (ARRAY\(unescaped: "['" + kinds.joined(separator: "','") + "']"))[i % 100 % 5 + 1] || '-' ELSE 'bench-' END
                           || \(run) || '-' || i || '@bench.example',
                       'Contact ' || i, 'Company ' || (i / 10), CASE WHEN i % 100 < \(excludedPercent) AND i % 100 % 5 = 0 THEN 'DE' ELSE 'CN' END,
                       now(), gen_random_uuid(), 'purchaser', 'Machinery', true
                FROM generate_series(0, \(recipients - 1)) AS i
                """, logger: logger)
            try await connection.query("""
                INSERT INTO objections (account_id, scope, request_id)
                SELECT account_id, 'direct-marketing', gen_random_uuid() FROM contacts WHERE email LIKE 'excluded-objected-%'
                """, logger: logger)
            try await connection.query("""
                INSERT INTO processing_restrictions (account_id, request_id)
                SELECT account_id, gen_random_uuid() FROM contacts WHERE email LIKE 'excluded-restricted-%'
                """, logger: logger)
            try await connection.query("""
                INSERT INTO subscriptions (account_id, topic, channel, status)
                SELECT account_id, 'newsletter', 'email', 'unsubscribed' FROM contacts WHERE email LIKE 'excluded-unsubscribed-%'
                """, logger: logger)
            try await connection.query("""
                INSERT INTO mail_suppressions (address_hash, reason)
                SELECT mail_address_hash(email), 'bounced' FROM contacts WHERE email LIKE 'excluded-suppressed-%'
                """, logger: logger)
            try await connection.query("ANALYZE contacts, subscriptions, objections, processing_restrictions, mail_suppressions", logger: logger)
        }
        return try await database.count("SELECT count(*) FROM contacts WHERE email LIKE 'excluded-%'")
    }

    func run(_ database: Database, marketing: ServiceProcess) async throws -> String {
        let run = String(UUID().uuidString.prefix(8)).lowercased()
        let excluded = try await load(database, run: run)
        let audience = recipients - excluded
        let campaignID = UUID()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("bench-campaign-\(run).json")
        try JSONSerialization.data(withJSONObject: [
            "campaignId": campaignID.uuidString, "name": "Benchmark \(run)", "topic": "newsletter",
            "subject": "{{contactName}}, this month's new exhibitors",
            "html": "<p>Dear {{contactName}} of {{companyName}},</p><p>forty new suppliers of pumps and robots joined.</p><p><a href=\"{{unsubscribeURL}}\">Unsubscribe</a></p>",
            "text": "Dear {{contactName}} of {{companyName}},\nforty new suppliers of pumps and robots joined.\nUnsubscribe: {{unsubscribeURL}}",
            "audience": ["businessTypes": ["purchaser"]], "maxPerSecond": 10_000,
        ] as [String: Any]).write(to: file)

        let watched = WatchedProcess.pid("marketing", marketing.pid)
        let cpuBefore = CPUReading([watched])
        let started = ContinuousClock.now
        let tool = try ServiceProcess("expo-campaign", arguments: [file.path], instance: "bench-expo-campaign", opsPort: 0)
        guard try await tool.exitStatus() == 0 else { throw TestFailure("expo-campaign failed: \(tool.output)") }
        var peakKiB = 0
        var samples: [(seconds: Double, sent: Int)] = []
        var status = ""
        while status != "finished" {
            try await Task.sleep(for: .seconds(1))
            peakKiB = max(peakKiB, watched.memoryKiB)
            let sent = try await database.count("SELECT count(*) FROM mail_outbox WHERE state = 'sent'")
            samples.append(((ContinuousClock.now - started).secondsValue, sent))
            for try await value in try await database.client.query("SELECT status FROM campaigns WHERE id = \(campaignID)", logger: logger)
                .decode(String.self) { status = value }
            if samples.count % 10 == 0 { logger.info("campaign", metadata: ["sent": "\(sent)", "status": "\(status)"]) }
            guard (ContinuousClock.now - started) < .seconds(3600), marketing.isRunning else {
                throw TestFailure("campaign not finished: \(status), \(sent) sent; log: \(marketing.output.suffix(2000))")
            }
        }
        let elapsed = (ContinuousClock.now - started).secondsValue
        let cpu = CPUReading([watched]).used(since: cpuBefore)["marketing"] ?? 0
        var states: [String] = []
        for try await (state, count) in try await database.client.query(
            "SELECT state, count(*)::int FROM mail_outbox GROUP BY state ORDER BY state", logger: logger
        ).decode((String, Int).self) { states.append("\(state) \(count)") }
        let sent = try await database.count("SELECT count(*) FROM mail_outbox WHERE state = 'sent'")
        let wrong = try await database.count("""
            SELECT count(*) FROM mail_outbox m JOIN contacts c ON c.account_id = m.account_id
            WHERE c.email LIKE 'excluded-%' AND m.state <> 'suppressed'
            """)
        let inSink = try sinkFiles(containing: "excluded-", run: run)
        let machine = await Machine.describe()
        // The steady rate: the middle of the run, without the start (first batch) and the tail.
        let middle = samples.filter { $0.sent > audience / 10 && $0.sent < audience * 9 / 10 }
        let steady = middle.count >= 2
            ? Double(middle.last!.sent - middle.first!.sent) / (middle.last!.seconds - middle.first!.seconds) : Double(sent) / elapsed
        let rate = Double(sent) / elapsed
        return """
            # Campaign benchmark

            `\(command)`, \(machine.date), commit \(machine.commit); \(machine.summary); \(machine.software).

            \(recipients) contacts, \(excluded) of them excluded (no consent where it is needed, objected to direct marketing,
            restricted processing, unsubscribed, suppressed address), so an audience of \(audience). Triggered with
            `expo-campaign` on `expo.commands` at `maxPerSecond` 10000; one marketing process, \(connections) SMTP connections,
            the local aiosmtpd sink storing each mail as a file.

            | mails sent | seconds to finished | mails/s overall | mails/s steady | marketing CPU s | marketing peak RSS MiB | mails to excluded people |
            |---|---|---|---|---|---|---|
            | \(sent) | \(String(format: "%.1f", elapsed)) | \(String(format: "%.0f", rate)) | \(String(format: "%.0f", steady)) | \(String(format: "%.1f", cpu)) | \(peakKiB / 1024) | \(wrong) in the outbox, \(inSink) in the sink |

            Outbox at the end: \(states.joined(separator: ", ")).

            Target ≥ 500 mails/s with zero mails to excluded people: **\(rate >= 500 && wrong == 0 && inSink == 0 && sent == audience ? "met" : "not met")**.

            """
    }

    /// How many mails of this run in the sink's folder are addressed to someone whose address
    /// holds `marker`; the run's files are removed after, so the tests' reads of the folder stay quick.
    func sinkFiles(containing marker: String, run: String) throws -> Int {
        let folder = TestEnvironment.mailSinkFolder
        var found = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) where name.hasSuffix(".eml") {
            let path = folder + "/" + name
            guard let text = try? String(contentsOfFile: path, encoding: .utf8), text.contains("-\(run)-") else { continue }
            if text.contains("X-Sink-Rcpt-To: \(marker)") { found += 1 }
            try? FileManager.default.removeItem(atPath: path)
        }
        return found
    }
}
