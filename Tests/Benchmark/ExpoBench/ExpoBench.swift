import Foundation
import Logging
import Persistence
import TestSupport

/// The benchmark's one executable: the orchestrator (`run`) and the two baseline servers it
/// starts as processes of their own, so each one's CPU and memory can be read apart.
@main
enum ExpoBench {
    static func main() async {
        var logger = Logger(label: "expo-bench")
        logger.logLevel = .info
        let arguments = Array(CommandLine.arguments.dropFirst())
        do {
            switch arguments.first {
            case "run":
                let floor = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("amqp-floor").path
                try await BenchRun(options: try BenchOptions(Array(arguments.dropFirst())), logger: logger, floor: floor).execute()
            case "search":
                try await SearchBench(Array(arguments.dropFirst()), logger: logger).execute()
            case "campaign":
                try await CampaignBench(Array(arguments.dropFirst()), logger: logger).execute()
            case "live":
                try await LiveBench(Array(arguments.dropFirst()), logger: logger).execute()
            case "outbox":
                try await OutboxBench(Array(arguments.dropFirst()), logger: logger).execute()
            case "data-rights":
                try await DataRightsBench(Array(arguments.dropFirst()), logger: logger).execute()
            case "plain-server":
                guard arguments.count == 2, let port = Int(arguments[1]) else { throw BenchUsage(BenchOptions.usage) }
                let environment = ProcessInfo.processInfo.environment
                let database = try DatabaseConfiguration(
                    url: environment["EXPO_ACCOUNTS_POSTGRES_URL"] ?? "", schema: environment["EXPO_ACCOUNTS_POSTGRES_SCHEMA"] ?? "")
                logger.logLevel = .warning
                try await PlainServer.run(port: port, database: database, logger: logger)
            case "echo-server":
                logger.logLevel = .warning
                try await EchoServer.run(amqp: TestEnvironment.amqp, logger: logger)
            default:
                throw BenchUsage(BenchOptions.usage)
            }
        } catch {
            FileHandle.standardError.write(Data("expo-bench: \(error)\n".utf8))
            exit(error is BenchUsage ? 2 : 1)
        }
    }
}
