import Foundation
import Glibc
import Logging
import MessageBus
import NIOCore
import Persistence
import PostgresNIO
import TestSupport

/// `expo-bench live`: one gateway holding `sockets` live sockets while messages go through the
/// REST API between online users at a fixed rate; the gateway's memory per socket, send latency
/// (POST → 201), delivery latency (POST → frame at the recipient), and every message checked
/// against what messaging committed: none lost, none twice.
struct LiveBench {
    var sockets = 10_000
    var pairs = 50
    var idleUsers = 100
    var rate = 200.0
    var seconds = 60
    var output: String?
    var command = "deploy/stack bench live"
    let logger: Logger

    static let usage = """
        expo-bench live [--sockets N] [--pairs N] [--idle-users N] [--rate R] [--seconds S] [--output FILE] [--command TEXT]
        """

    init(_ arguments: [String], logger: Logger) throws {
        self.logger = logger
        var arguments = BenchArguments(arguments)
        while let flag = arguments.nextFlag() {
            switch flag {
            case "--sockets": sockets = try arguments.number(flag, atLeast: 2)
            case "--pairs": pairs = try arguments.number(flag, atLeast: 1)
            case "--idle-users": idleUsers = try arguments.number(flag, atLeast: 1)
            case "--rate": rate = try arguments.number(flag, atLeast: 1)
            case "--seconds": seconds = try arguments.number(flag, atLeast: 1)
            case "--output": output = try arguments.value(flag)
            case "--command": command = try arguments.value(flag)
            default: throw BenchUsage(Self.usage)
            }
        }
        guard sockets >= 2 * pairs else { throw BenchUsage("--sockets must be at least twice --pairs (each online user holds one)") }
    }

    func execute() async throws {
        // A fresh schema has seen none of the events queued before: they must not queue ahead of these.
        try await withBus(topology: PlatformTopology.make()) { try await $0.publisher.purge(queue: PlatformTopology.eventQueue(.messaging)) }
        let (accountsSchema, accountsEnvironment) = try await TestDatabase.freshSchema(for: "accounts")
        let (messagingSchema, messagingEnvironment) = try await TestDatabase.freshSchema(for: "messaging")
        let port = freePort()
        let gateway = try ServiceProcess("gateway", instance: "bench-gateway", opsPort: freePort(), environment: [
            "EXPO_HTTP_PORT": "\(port)", "EXPO_RATE_LIMIT_PER_MINUTE": "0",
            "EXPO_SIGN_IN_RATE_LIMIT_PER_MINUTE": "0", "EXPO_ACCOUNT_RATE_LIMIT_PER_MINUTE": "0",
            // Ten thousand sockets from one address: the per-IP connection cap is for clients, not this load generator.
            "EXPO_MAX_CONNECTIONS_PER_IP": "0",
        ])
        let accounts = try ServiceProcess("accounts", instance: "bench-accounts", opsPort: freePort(), environment: accountsEnvironment)
        let messaging = try ServiceProcess("messaging", instance: "bench-messaging", opsPort: freePort(), environment: messagingEnvironment)
        let database = Database(configuration: try DatabaseConfiguration(
            url: messagingEnvironment["EXPO_MESSAGING_POSTGRES_URL"] ?? "", schema: messagingSchema), logger: logger)
        let pool = Task { await database.run() }
        defer { pool.cancel() }
        let processes = [gateway, accounts, messaging]
        let live = LiveSocketsRun(bench: self, port: port, gateway: gateway, accounts: accounts, messaging: messaging, database: database)
        do {
            let report = try await live.measure()
            print(report)
            if let output { try report.write(toFile: output, atomically: true, encoding: .utf8) }
        } catch {
            await stop(processes, live: live, schemas: [accountsSchema, messagingSchema])
            throw error
        }
        await stop(processes, live: live, schemas: [accountsSchema, messagingSchema])
    }

    private func stop(_ processes: [ServiceProcess], live: LiveSocketsRun, schemas: [String]) async {
        // The gateway first: its sockets close with it, and their clients end.
        for process in processes { _ = try? await process.terminate() }
        await live.sockets.waitUntilClosed()
        for schema in schemas { try? await TestDatabase.drop(schema: schema) }
    }
}

/// One run of the live benchmark against started processes.
private struct LiveSocketsRun {
    let bench: LiveBench
    let port: Int
    let gateway: ServiceProcess
    let accounts: ServiceProcess
    let messaging: ServiceProcess
    let database: Database
    let log: DeliveryLog
    let sockets: LiveSockets
    static let measuredRun = 1

    init(bench: LiveBench, port: Int, gateway: ServiceProcess, accounts: ServiceProcess, messaging: ServiceProcess, database: Database) {
        self.bench = bench
        self.port = port
        self.gateway = gateway
        self.accounts = accounts
        self.messaging = messaging
        self.database = database
        let log = DeliveryLog(pairs: bench.pairs, run: Self.measuredRun)
        self.log = log
        sockets = LiveSockets(port: port, logger: bench.logger) { owner, text, arrived in log.arrived(owner: owner, frame: text, at: arrived) }
    }

    var base: String { "http://127.0.0.1:\(port)" }
    var logger: Logger { bench.logger }

    func measure() async throws -> String {
        try await waitUntilReady()
        let online = 2 * bench.pairs
        logger.info("registering \(online + bench.idleUsers) accounts")
        let users = try await BenchAccounts.register(online + bench.idleUsers, base: base)
        // Pair p: the supplier at 2p, the purchaser at 2p + 1, who asks first (a supplier may not cold-message).
        var opened: [String] = []
        for pair in 0..<bench.pairs {
            opened.append(try await openConversation(users[2 * pair + 1].token, with: users[2 * pair].companyID))
        }
        let conversations = opened

        logger.info("opening \(online) sockets of online users, then \(bench.sockets - online) more")
        try await sockets.open((0..<online).map { ($0, users[$0].token) }, parallel: 16)
        let gatewayProcess = WatchedProcess.pid("gateway", gateway.pid)
        try await Task.sleep(for: .seconds(2))
        let memoryBefore = gatewayProcess.memoryKiB
        let idle = (0..<(bench.sockets - online)).map { (online + $0 % bench.idleUsers, users[online + $0 % bench.idleUsers].token) }
        let opening = ContinuousClock.now
        try await sockets.open(idle, parallel: 32)
        let openSeconds = (ContinuousClock.now - opening).secondsValue
        try await Task.sleep(for: .seconds(5))
        let memoryOpen = gatewayProcess.memoryKiB
        let openAfterOpening = sockets.open

        logger.info("messages: warm-up, then \(Int(bench.rate))/s for \(bench.seconds) s")
        let load = HTTPLoad(port: port)
        defer { Task { try? await load.shutdown() } }
        let log = log
        func request(run: Int) -> @Sendable (Int) -> LoadRequest {
            { index in
                let route = log.route(index)
                log.sent(index, run: run)
                let body = try! JSONSerialization.data(withJSONObject: ["text": DeliveryLog.text(run: run, index: index)])
                return LoadRequest(
                    method: .POST, path: "/v1/conversations/\(conversations[route.pair])/messages",
                    headers: ["Authorization": "Bearer \(users[route.sender].token)", "Content-Type": "application/json"],
                    body: ByteBuffer(bytes: body))
            }
        }
        _ = try await load.run(.fixedRate(perSecond: bench.rate), duration: .seconds(5), connections: 32, request: request(run: 0))
        let watched = watchedProcesses
        let cpuBefore = CPUReading(watched)
        let started = ContinuousClock.now
        let result = try await load.run(
            .fixedRate(perSecond: bench.rate), duration: .seconds(bench.seconds), connections: 32, request: request(run: Self.measuredRun))
        let cpu = CPUReading(watched).used(since: cpuBefore)
        let elapsed = (ContinuousClock.now - started).secondsValue
        let committed = try await committedIndexes()
        // What is still on its way gets a moment; what has not arrived then is lost.
        _ = await eventually(timeout: .seconds(20), interval: .milliseconds(200)) { committed.isSubset(of: log.delivered) }
        let delivered = log.delivered
        let summary = log.summary()
        let memoryAfter = gatewayProcess.memoryKiB

        let perSocketKB = Double(memoryOpen - memoryBefore) * 1024 / 1000 / Double(bench.sockets - online)
        func ms(_ value: UInt64) -> String { String(format: "%.1f", Double(value) / 1000) }
        func sendMs(_ p: Double) -> String { String(format: "%.1f", result.milliseconds(p)) }
        let lost = committed.subtracting(delivered).count
        let unexpected = delivered.subtracting(committed).count
        let latency = summary.latency
        let sendMet = result.milliseconds(50) <= 15
        let deliveryMet = latency.totalCount > 0 && Double(latency.valueAtPercentile(99)) / 1000 <= 150
        let exact = lost == 0 && summary.duplicated == 0 && unexpected == 0 && summary.misdelivered == 0 && result.errors == 0
        let cpuShares = watched.map { process in
            "| \(process.name) | \(String(format: "%.0f", 100 * (cpu[process.name] ?? 0) / elapsed)) |"
        }
        let machine = await Machine.describe()
        return """
            # Live delivery benchmark

            `\(bench.command)`, \(machine.date), commit \(machine.commit). \(machine.summary); \(machine.software).
            One gateway, accounts and messaging (release build), RabbitMQ, PostgreSQL and this load generator share the machine.

            ## Sockets

            \(bench.sockets) sockets: one for each of \(online) online users (\(bench.pairs) pairs, a supplier and a purchaser in \
            one conversation each), and \(bench.sockets - online) more spread over \(bench.idleUsers) other users. \
            Each opened with a fresh ticket (`POST /v1/live/tickets`), counted once `live.ready` arrived.

            | sockets open | opening the \(bench.sockets - online) took | gateway RSS before | with all open | after the messages | per socket |
            |---|---|---|---|---|---|
            | \(openAfterOpening) | \(String(format: "%.1f", openSeconds)) s | \(memoryBefore / 1024) MiB | \(memoryOpen / 1024) MiB | \(memoryAfter / 1024) MiB | \(String(format: "%.1f", perSocketKB)) KB |

            Target ≤ 50 KB per socket: **\(perSocketKB <= 50 ? "met" : "not met")**. Sockets still open after the messages: \(sockets.open).

            ## Messages (open loop, \(Int(bench.rate))/s for \(bench.seconds) s after a 5 s warm-up)

            `POST /v1/conversations/{id}/messages` over 32 keep-alive connections, the two sides of each pair in turn. \
            Send latency counts from when a request was due; delivery latency from when it was sent until the \
            `message.created` frame reached the recipient's socket.

            | sent | 201 | errors | committed | delivered | lost | duplicated | to a wrong socket |
            |---|---|---|---|---|---|---|---|
            | \(result.completed + result.errors) | \(result.completed) | \(result.errors) | \(committed.count) | \(delivered.count) | \(lost) | \(summary.duplicated) | \(summary.misdelivered) |

            | | p50 ms | p99 ms | p99.9 ms | max ms |
            |---|---|---|---|---|
            | send (POST → 201) | \(sendMs(50)) | \(sendMs(99)) | \(sendMs(99.9)) | \(sendMs(100)) |
            | delivery (POST → frame) | \(ms(latency.valueAtPercentile(50))) | \(ms(latency.valueAtPercentile(99))) | \(ms(latency.valueAtPercentile(99.9))) | \(ms(latency.max)) |

            Targets: send p50 ≤ 15 ms **\(sendMet ? "met" : "not met")**; delivery p99 ≤ 150 ms **\(deliveryMet ? "met" : "not met")**; \
            none lost or duplicated **\(exact ? "met" : "not met")**.

            CPU during the measured run (% of one core):

            | process | CPU % |
            |---|---|
            \(cpuShares.joined(separator: "\n"))

            """
    }

    private var watchedProcesses: [WatchedProcess] {
        [
            .pid("gateway", gateway.pid), .pid("accounts", accounts.pid), .pid("messaging", messaging.pid),
            .command("PostgreSQL", "postgres"), .command("RabbitMQ", "beam.smp"), .pid("load generator and clients", getpid()),
        ]
    }

    private func waitUntilReady() async throws {
        for (name, process) in [("accounts", accounts), ("messaging", messaging)] {
            let ready = await eventually(timeout: .seconds(60), interval: .milliseconds(300)) {
                (try? await http("GET", "http://127.0.0.1:\(gateway.opsPort)/health/services/\(name)", timeout: 3))?["ready"] as? Bool == true
            }
            guard ready else { throw TestFailure("\(name) not ready: \(process.output.suffix(2000))") }
        }
    }

    /// Opens a conversation, again while messaging has not yet learnt of a company from accounts' events.
    private func openConversation(_ token: String, with companyID: String) async throws -> String {
        let request: [String: any Sendable] = ["companyID": companyID, "text": "Do you ship spindles to Hamburg?"]
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            let answer = try await http("POST", "\(base)/v1/conversations", token: token, json: request)
            if answer.status == 201, let id = answer["id"] as? String { return id }
            guard answer.code == "company-not-ready" || answer.status == 404, ContinuousClock.now < deadline else {
                throw TestFailure("opening a conversation answered \(answer.status): \(answer.json)")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// The measured run's messages that messaging committed.
    private func committedIndexes() async throws -> Set<Int> {
        var indexes = Set<Int>()
        let prefix = DeliveryLog.text(run: Self.measuredRun, index: 0).dropLast()
        let rows = try await database.client.query("SELECT text FROM messages WHERE text LIKE \(prefix + "%")", logger: logger)
        for try await text in rows.decode(String.self) {
            if let index = text.split(separator: " ").last.flatMap({ Int($0) }) { indexes.insert(index) }
        }
        return indexes
    }
}
