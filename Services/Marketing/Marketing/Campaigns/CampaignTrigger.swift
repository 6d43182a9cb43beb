import Contracts
import Foundation
import Logging
import MessageBus
import Persistence

/// Takes `marketing.trigger-campaign.v1` from `marketing.commands`: a valid trigger becomes a
/// scheduled campaign (a repeat of its id changes nothing); one that cannot be read or carried
/// out is reported as a failed campaign and dead-lettered with the reason, and nothing is sent.
enum CampaignTrigger {
    static func register(into commands: inout EventHandlers, database: Database) {
        commands.register(TriggerCampaign.type) { message, logger in
            let context = MessageContext(message)
            let plan: CampaignPlan
            do {
                plan = try CampaignPlan(try message.decode(TriggerCampaign.self))
            } catch let problem as Problem {
                let reason = problem.reason
                // The id, if at least that can be read, so the sender learns which trigger failed.
                let campaignID = try? message.decode(TriggerIdentity.self).campaignID
                try await database.transaction(context: context, logger: logger) { transaction in
                    try await transaction.emit(CampaignFinished(campaignID: campaignID, status: .failed, reason: reason, at: Date()))
                }
                logger.warning("campaign trigger refused", metadata: ["campaign": "\(campaignID?.uuidString ?? "-")", "reason": "\(reason)"])
                throw Problem.badRequest("campaign trigger refused: \(reason)")
            }
            let created = try await database.transaction(context: context, logger: logger) { transaction in
                try await CampaignRecords.insert(plan, source: "queue", createdBy: nil, on: transaction)
            }
            logger.info(created ? "campaign scheduled" : "campaign trigger repeated, nothing changed",
                        metadata: ["campaign": "\(plan.trigger.campaignID)"])
        }
    }

    /// Just the id of a trigger that is otherwise unreadable.
    private struct TriggerIdentity: Decodable {
        let campaignId: UUID
        var campaignID: UUID { campaignId }
    }
}
