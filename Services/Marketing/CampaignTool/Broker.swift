import AMQPTransport
import ArgumentParser
import Contracts
import Foundation
import Logging
import MessageBus
import ServiceRuntime

/// Where the tool publishes, and how: persistent messages on `expo.commands`, each confirmed by
/// the broker before the next. It declares nothing, so a broker user that may only write to
/// `expo.commands` can run it: every service declares the platform's topology, the command
/// queues included, when it starts.
struct Broker: ParsableArguments {
    @Option(name: .customLong("amqp-url"), help: "The broker (default: EXPO_AMQP_URL, else the local stack's).")
    var amqpURL: String?

    @Option(help: "Seconds to wait for the broker and its confirmation.")
    var timeout: Int = 30

    func publish<Command: CommandContract>(_ commands: [Command]) async throws {
        var logger = Logger(label: "expo-campaign") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .warning
        let url = amqpURL ?? ProcessInfo.processInfo.environment["EXPO_AMQP_URL"] ?? ServiceConfiguration.defaultAMQPURL
        let broker: AMQPConfiguration
        do { broker = try AMQPConfiguration(url: url) } catch {
            throw ValidationError("--amqp-url: \(error)")
        }
        let connection = AMQPConnection(configuration: broker, role: .publisher, name: "expo-campaign", logger: logger)
        connection.start()
        let deadline = ContinuousClock.now + .seconds(timeout)
        while !connection.isConnected, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        do {
            guard connection.isConnected else { throw Failure("cannot reach the broker at \(broker.redactedURL)") }
            for command in commands {
                try await connection.publish(OutgoingMessage(
                    exchange: PlatformTopology.commandsExchange, routingKey: Command.type.rawValue, body: try MessageCodec.encode(command),
                    properties: MessageProperties(
                        contentType: "application/json", messageID: UUID().uuidString, type: Command.type.rawValue, persistent: true)),
                    confirm: true)
            }
        } catch {
            await connection.close()
            throw Failure("not published: \(error)")
        }
        await connection.close()
    }
}

/// A failure to publish, said in one line (exit status 1).
struct Failure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A file's bytes; `-` is standard input.
func contents(of file: String) throws -> Data {
    do {
        return file == "-" ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: file))
    } catch {
        throw ValidationError("cannot read \(file): \(error.localizedDescription)")
    }
}
