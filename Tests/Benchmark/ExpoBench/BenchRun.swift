import AMQPTransport
import Foundation
import Glibc
import Logging
import MessageBus
import TestSupport

/// `expo-bench run`: starts the processes under test, runs every scenario in each round, and
/// writes the report.
struct BenchRun {
    let options: BenchOptions
    let logger: Logger
    let floor: String

    /// The broker's URL for librabbitmq's URL parser, which reads "amqp://host/" as the vhost "",
    /// not the default "/" (the AMQP URI spec's reading, and the transport's).
    static var cToolsURL: String {
        let url = TestEnvironment.amqpURL
        return url.hasSuffix("/") ? url + "%2F" : url
    }

    /// Queues only the benchmark uses: the raw transport runs' and the C echo server's.
    static var topology: Topology {
        var topology = EchoServer.topology
        topology.queues.append(.init(name: TransportRuns.queue, kind: .classic))
        topology.queues.append(.init(name: BenchPlatform.floorEchoQueue, kind: .classic))
        topology.bindings.append(.init(
            queue: BenchPlatform.floorEchoQueue, exchange: PlatformTopology.rpcExchange, routingKey: BenchPlatform.floorEchoKey))
        return topology
    }

    func execute() async throws {
        let amqp = TestEnvironment.amqp
        let control = AMQPConnection(configuration: amqp, role: .consumer, topology: Self.topology, name: "bench-control", logger: logger)
        let plain = AMQPConnection(configuration: amqp, role: .consumer, topology: Self.topology, name: "bench-raw", logger: logger)
        let confirming = AMQPConnection(configuration: amqp, role: .publisher, topology: Self.topology, name: "bench-raw", logger: logger)
        let bus = MessageBus(configuration: amqp, topology: EchoServer.topology, instance: "bench-caller", logger: logger)
        let connections = [control, plain, confirming, bus.publisher, bus.consumer]
        connections.forEach { $0.start() }
        do {
            guard await eventually(timeout: .seconds(30), { connections.allSatisfy(\.isConnected) && bus.isReady }) else {
                throw TestFailure("could not connect to the broker at \(amqp.redactedURL)")
            }
            try await measure(control: control, plain: plain, confirming: confirming, bus: bus)
        } catch {
            for connection in connections { await connection.close() }
            throw error
        }
        for connection in connections { await connection.close() }
    }

    private func measure(control: AMQPConnection, plain: AMQPConnection, confirming: AMQPConnection, bus: MessageBus) async throws {
        logger.info("loading pgbench's tables (scale \(options.pgbenchScale))")
        let database = DatabaseBaseline(
            scale: options.pgbenchScale, logFolder: FileManager.default.temporaryDirectory.appendingPathComponent("bench-pgbench"))
        try await database.prepare()

        logger.info("starting the platform and signing in \(options.users) accounts")
        let platform = try await BenchPlatform.start(users: options.users)
        let watched = watchedProcesses(platform)
        var rounds: [RoundResult] = []
        do {
            for round in 1...options.rounds {
                logger.info("round \(round) of \(options.rounds)")
                var result = RoundResult()
                let scenarios = ServiceScenarios(options: options, platform: platform, bus: bus, floor: floor, watched: watched, logger: logger)
                result.scenarios = try await scenarios.run(database: database)
                if options.includes("B") { result.sequentialCalls = try await scenarios.sequentialCalls() }
                if options.includes("T") {
                    logger.info("transport: \(options.messages) messages per run")
                    result.rates = try await TransportRuns(
                        messages: options.messages, url: BenchRun.cToolsURL, floor: floor, plain: plain, confirming: confirming,
                        control: control, logger: logger
                    ).run()
                }
                result.memoryKiB = Dictionary(uniqueKeysWithValues: watched.map { ($0.name, $0.memoryKiB) })
                rounds.append(result)
            }
        } catch {
            await platform.stop()
            throw error
        }
        let dead = platform.processes.filter { !$0.isRunning }.map(\.name)
        await platform.stop()

        let report = Report(options: options, rounds: rounds, machine: await Machine.describe(), exited: dead).markdown
        print(report)
        if let output = options.output {
            try report.write(toFile: output, atomically: true, encoding: .utf8)
            logger.info("report written to \(output)")
        }
    }

    private func watchedProcesses(_ platform: BenchPlatform) -> [WatchedProcess] {
        [
            .pid("gateway", platform.gateway.pid), .pid("accounts", platform.accounts.pid),
            .pid("marketing", platform.marketing.pid), .pid("baseline A server", platform.plainServer.pid),
            .pid("baseline B echo", platform.echoServer.pid), .pid("C echo", platform.floorEchoServer.pid),
            .command("PostgreSQL", "postgres"), .command("RabbitMQ", "beam.smp"), .pid("load generator", getpid()),
        ]
    }
}
