import AMQPTransport
import ArgumentParser
import Contracts
import Foundation
import Logging
import MessageBus
import ServiceRuntime

/// `expo-campaign`: the marketing team's way to start a campaign without code. It reads the
/// campaign from a JSON file, publishes `marketing.trigger-campaign.v1` on `expo.commands` as a
/// persistent message, waits for the broker's confirmation and prints the campaign id. Whether
/// the campaign is valid is the marketing service's call: a refused one is reported as a
/// `marketing.campaign-finished.v1` event with status `failed` and parked in
/// `marketing.commands.dlq`.
@main
struct ExpoCampaign: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "expo-campaign",
        abstract: "Trigger a marketing campaign through the queue and print its id.",
        discussion: """
            The file holds the fields of API.md's "Triggering through the queue": name, topic, subject, html, text, \
            language, audience, sendAt, maxPerSecond, and campaignId. Without a campaignId the tool picks one and \
            prints it: put it in the file before publishing again, so a repeat is recognised and sends nothing twice.
            """)

    @Argument(help: "The campaign as JSON; '-' reads it from standard input.")
    var file: String

    @Option(name: .customLong("amqp-url"), help: "The broker (default: EXPO_AMQP_URL, else the local stack's).")
    var amqpURL: String?

    @Option(help: "Seconds to wait for the broker and its confirmation.")
    var timeout: Int = 30

    func run() async throws {
        let trigger = try read()
        var logger = Logger(label: "expo-campaign") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .warning
        let url = amqpURL ?? ProcessInfo.processInfo.environment["EXPO_AMQP_URL"] ?? ServiceConfiguration.defaultAMQPURL
        let broker: AMQPConfiguration
        do { broker = try AMQPConfiguration(url: url) } catch {
            throw ValidationError("--amqp-url: \(error)")
        }
        // Declares nothing, so a broker user that may only write to `expo.commands` can run it:
        // every service declares the platform's topology, the command queue included, when it starts.
        let connection = AMQPConnection(configuration: broker, role: .publisher, name: "expo-campaign", logger: logger)
        connection.start()
        let deadline = ContinuousClock.now + .seconds(timeout)
        while !connection.isConnected, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        do {
            guard connection.isConnected else { throw Failure("cannot reach the broker at \(broker.redactedURL)") }
            try await connection.publish(OutgoingMessage(
                exchange: PlatformTopology.commandsExchange, routingKey: TriggerCampaign.type.rawValue, body: try MessageCodec.encode(trigger),
                properties: MessageProperties(
                    contentType: "application/json", messageID: UUID().uuidString, type: TriggerCampaign.type.rawValue, persistent: true)),
                confirm: true)
        } catch {
            await connection.close()
            throw Failure("not published: \(error)")
        }
        await connection.close()
        print(trigger.campaignID.uuidString.lowercased())
    }

    /// The trigger in the file, with a new campaign id if it has none.
    private func read() throws -> TriggerCampaign {
        let data: Data
        do {
            data = file == "-" ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: file))
        } catch {
            throw ValidationError("cannot read \(file): \(error.localizedDescription)")
        }
        guard var fields = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ValidationError("\(file) is not a JSON object")
        }
        if fields["campaignId"] == nil {
            let id = UUID().uuidString.lowercased()
            fields["campaignId"] = id
            FileHandle.standardError.write(Data("expo-campaign: no campaignId in \(file); this campaign is \(id)\n".utf8))
        }
        do {
            return try MessageCodec.decode(TriggerCampaign.self, from: try JSONSerialization.data(withJSONObject: fields))
        } catch {
            throw ValidationError("\(file) is not a campaign: \(IncomingMessage.describe(error))")
        }
    }
}

/// A failure to publish, said in one line (exit status 1).
struct Failure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
