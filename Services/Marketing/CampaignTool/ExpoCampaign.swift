import ArgumentParser
import Contracts
import Foundation
import MessageBus

/// `expo-campaign`: the marketing team's way to reach the marketing service without code, through
/// `expo.commands`: `trigger` (the default) starts a campaign, `bounce` reports bounced mail.
@main
struct ExpoCampaign: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "expo-campaign",
        abstract: "Trigger a marketing campaign, or report bounces, through the queue.",
        subcommands: [Trigger.self, Bounce.self], defaultSubcommand: Trigger.self)
}

/// Reads the campaign from a JSON file, publishes `marketing.trigger-campaign.v1`, waits for the
/// broker's confirmation and prints the campaign id. Whether the campaign is valid is the
/// marketing service's call: a refused one is reported as a `marketing.campaign-finished.v1`
/// event with status `failed` and parked in `marketing.commands.dlq`.
struct Trigger: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Trigger a marketing campaign through the queue and print its id.",
        discussion: """
            The file holds the fields of API.md's "Triggering through the queue": name, topic, subject, html, text, \
            language, audience, sendAt, maxPerSecond, and campaignId. Without a campaignId the tool picks one and \
            prints it: put it in the file before publishing again, so a repeat is recognised and sends nothing twice.
            """)

    @Argument(help: "The campaign as JSON; '-' reads it from standard input.")
    var file: String

    @OptionGroup var broker: Broker

    func run() async throws {
        let trigger = try read()
        try await broker.publish([trigger])
        print(trigger.campaignID.uuidString.lowercased())
    }

    /// The trigger in the file, with a new campaign id if it has none.
    private func read() throws -> TriggerCampaign {
        guard var fields = try? JSONSerialization.jsonObject(with: try contents(of: file)) as? [String: Any] else {
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
