import Foundation
import Contracts
import Logging
import MessageBus
import NIOCore
import NIOHTTP1
import TestSupport

/// Scenarios 1–5 of one round: each runs a warm-up, a closed-loop run (throughput and CPU per
/// request) and an open-loop run at the fixed rate (latency).
struct ServiceScenarios {
    let options: BenchOptions
    let platform: BenchPlatform
    let bus: MessageBus
    let floor: String
    let watched: [WatchedProcess]
    let logger: Logger

    static let echoBody = Data(#"{"echo":"0123456789012345678901234567890123456789"}"#.utf8)

    func run(database: DatabaseBaseline) async throws -> [ScenarioResult] {
        let reads = platform.tokens.map(Self.getMe)
        let runID = UUID().uuidString.prefix(8)
        let tokens = platform.tokens
        var results: [ScenarioResult] = []
        let read = "1. GET /v1/me: gateway → accounts → PostgreSQL"
        if options.includes(read) {
            results.append(try await http(read, port: platform.gatewayPort, rate: options.rate) { reads[$0 % reads.count] })
        }
        // Every write changes the name, so each one commits an update and an outbox event.
        let write = "2. PATCH /v1/me: gateway → accounts → PostgreSQL + outbox → event"
        if options.includes(write) {
            results.append(try await http(write, port: platform.gatewayPort, rate: options.writeRate) { index in
                Self.patchMe(tokens[index % tokens.count], contactName: "Bench \(runID) \(index)")
            })
        }
        let plain = "A. GET /v1/me: plain Hummingbird handler → PostgreSQL"
        if options.includes(plain) {
            results.append(try await http(plain, port: platform.plainPort, rate: options.rate) { reads[$0 % reads.count] })
        }
        if options.includes("B") { results.append(try await echo()) }
        if options.includes("C") { results.append(try await pgbench(database)) }
        return results
    }

    // MARK: HTTP

    static func getMe(_ token: String) -> LoadRequest {
        LoadRequest(method: .GET, path: "/v1/me", headers: HTTPHeaders([("Authorization", "Bearer \(token)")]))
    }

    static func patchMe(_ token: String, contactName: String) -> LoadRequest {
        LoadRequest(
            method: .PATCH, path: "/v1/me", headers: HTTPHeaders([("Authorization", "Bearer \(token)")]),
            body: ByteBuffer(string: #"{"contactName":"\#(contactName)"}"#))
    }

    private func http(
        _ name: String, port: Int, rate: Double, request: @escaping @Sendable (Int) -> LoadRequest
    ) async throws -> ScenarioResult {
        logger.info("\(name)")
        let load = HTTPLoad(port: port)
        do {
            let connections = options.connections
            _ = try await load.run(.fixedRate(perSecond: rate), duration: .seconds(2), connections: connections, request: request)
            let (saturated, cpu) = try await measured {
                try await load.run(.closedLoop, duration: .seconds(options.seconds), connections: connections, request: request)
            }
            let fixed = try await load.run(
                .fixedRate(perSecond: rate), duration: .seconds(options.seconds), connections: connections, request: request)
            try await load.shutdown()
            return ScenarioResult(name: name, rate: rate, saturated: saturated, fixedRate: fixed, cpuPerRequest: cpu)
        } catch {
            try? await load.shutdown()
            throw error
        }
    }

    // MARK: Broker hop

    /// Baseline B: the services' RPC client and server path with an echo in place of the work.
    private func echo() async throws -> ScenarioResult {
        let name = "B. RPC echo over the transport (no database)"
        logger.info("\(name)")
        let call = transportCall(EchoServer.type)
        _ = await AsyncLoad.fixedRate(options.rate, duration: .seconds(2), operation: call)
        let (saturated, cpu) = await measured {
            await AsyncLoad.closedLoop(callers: options.connections, duration: .seconds(options.seconds), operation: call)
        }
        let fixed = await AsyncLoad.fixedRate(options.rate, duration: .seconds(options.seconds), operation: call)
        return ScenarioResult(name: name, rate: options.rate, saturated: saturated, fixedRate: fixed, cpuPerRequest: cpu)
    }

    /// One echo call through the transport's client (`MessageBus.call`, as the gateway makes it).
    private func transportCall(_ type: MessageType) -> AsyncLoad.Operation {
        { [bus] _ in
            guard let reply = try? await bus.call(type, body: Self.echoBody, context: MessageContext(), timeout: .seconds(5))
            else { return false }
            return !reply.isProblem && reply.body == Self.echoBody
        }
    }

    /// Calls in sequence for every pairing of client (transport or C) and echo server (transport
    /// or C); the C pair is the floor of the hop.
    func sequentialCalls() async throws -> [(name: String, result: LoadResult)] {
        logger.info("RPC calls in sequence")
        let calls = options.calls
        return [
            ("transport client → transport server", await AsyncLoad.sequential(count: calls, operation: transportCall(EchoServer.type))),
            ("C client → C server (the floor)", try await floorCalls(to: BenchPlatform.floorEchoKey)),
            ("transport client → C server", await AsyncLoad.sequential(count: calls, operation: transportCall(MessageType(BenchPlatform.floorEchoKey)))),
            ("C client → transport server", try await floorCalls(to: EchoServer.type.rawValue)),
        ]
    }

    /// `amqp-floor echo-client`: librabbitmq's own client, one call at a time.
    private func floorCalls(to routingKey: String) async throws -> LoadResult {
        let outcome = try await Subprocess.succeed(
            floor, ["echo-client", BenchRun.cToolsURL, PlatformTopology.rpcExchange, routingKey, "\(options.calls)"])
        var result = LoadResult()
        for line in outcome.output.split(separator: "\n") {
            guard let nanoseconds = Int64(line) else { throw TestFailure("amqp-floor echo-client printed \(line)") }
            result.record(.nanoseconds(nanoseconds), ok: true)
        }
        result.seconds = outcome.seconds
        return result
    }

    // MARK: Database alone

    private func pgbench(_ database: DatabaseBaseline) async throws -> ScenarioResult {
        let name = "C. pgbench -S: the database alone"
        logger.info("\(name)")
        let (saturated, cpu) = try await measured {
            try await database.run(clients: options.connections, seconds: options.seconds, rate: nil)
        }
        let fixed = try await database.run(clients: 8, seconds: options.seconds, rate: options.rate)
        return ScenarioResult(name: name, rate: options.rate, saturated: saturated, fixedRate: fixed, cpuPerRequest: cpu)
    }

    // MARK: CPU

    /// Runs `body` and answers the CPU microseconds per completed request each process spent.
    private func measured(_ body: () async throws -> LoadResult) async rethrows -> (LoadResult, [String: Double]) {
        let before = CPUReading(watched)
        let result = try await body()
        let used = CPUReading(watched).used(since: before)
        return (result, used.mapValues { $0 * 1e6 / Double(max(1, result.completed)) })
    }
}
