import ArgumentParser
import Contracts
import Foundation
import Marketing

/// Reads delivery status notifications (the bounce mailbox's mails, as `.eml` files or piped in
/// by the mail system) and publishes a `marketing.record-bounce.v1` for each permanent failure
/// they name; delays and temporary failures are skipped. Prints how many it reported.
struct Bounce: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Report the permanent failures in delivery status notifications, so their addresses are never mailed again.")

    @Argument(help: "Delivery status notifications (RFC 3464) as files; '-' reads one from standard input.")
    var files: [String]

    @OptionGroup var broker: Broker

    func run() async throws {
        var bounces: [RecordBounce] = []
        for file in files {
            do {
                bounces += try DeliveryStatusReport.bounces(in: String(decoding: try contents(of: file), as: UTF8.self))
            } catch let error as DeliveryStatusReport.Unreadable {
                throw ValidationError("\(file): \(error)")
            }
        }
        try await broker.publish(bounces)
        print("\(bounces.count) bounce\(bounces.count == 1 ? "" : "s") reported")
    }
}
