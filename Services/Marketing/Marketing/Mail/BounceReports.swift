import Contracts
import Foundation
import Logging
import MessageBus
import Persistence
import ServiceRuntime

/// Takes `marketing.record-bounce.v1` from `marketing.commands`: a mail the relay accepted bounced
/// later. Its address joins the suppression list (so no mail, campaign or service, goes to it
/// again) and its record turns `bounced` with the report as the answer; a report about a mail
/// that is not the platform's, or that cannot be read, is dead-lettered with the reason and
/// changes nothing. A repeat changes nothing either.
enum BounceReports {
    static func register(into commands: inout EventHandlers, database: Database) {
        commands.register(RecordBounce.type) { message, logger in
            let report: RecordBounce
            let (recipient, mailID): (String, UUID?)
            do {
                report = try message.decode(RecordBounce.self)
                (recipient, mailID) = try checked(report)
            } catch let problem as Problem {
                throw Problem.badRequest("bounce report refused: \(problem.reason)")
            }
            let answer = "reported bounce: \(report.status)" + (report.diagnostic.map { " " + $0.printable(maxLength: 500) } ?? "")
            let marked = try await database.transaction(context: MessageContext(message), logger: logger) { transaction in
                try await transaction.query("""
                    INSERT INTO mail_suppressions (address_hash, reason) VALUES (mail_address_hash(\(recipient)), 'bounced')
                    ON CONFLICT DO NOTHING
                    """)
                guard let mailID else { return false }
                return try await transaction.query("""
                    UPDATE mail_outbox SET state = 'bounced', relay_reply = \(answer), finished_at = coalesce(finished_at, now())
                    WHERE id = \(mailID) AND mail_address_hash(recipient) = mail_address_hash(\(recipient)) AND state = 'sent'
                    RETURNING 1
                    """).exists
            }
            logger.info("bounce recorded, address suppressed",
                        metadata: ["mail": "\(mailID?.uuidString ?? "-")", "status": "\(report.status)", "mailMarked": "\(marked)"])
        }
    }

    /// The report's address and the platform's mail id in its `Message-ID`; throws
    /// `validation-failed` naming what is wrong.
    static func checked(_ report: RecordBounce) throws -> (recipient: String, mailID: UUID?) {
        var checks = FieldChecks()
        let recipient = checks.email("recipient", report.recipient)
        let code = report.status.split(separator: ".", omittingEmptySubsequences: false)
        if !(code.count == 3 && code[0] == "5" && code.dropFirst().allSatisfy { (1...3).contains($0.count) && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }) {
            checks.fail("status", "must be a permanent failure's status code such as 5.1.1")
        }
        var mailID: UUID?
        if let given = report.messageID {
            let bare = given.trimmingCharacters(in: CharacterSet(charactersIn: "<> \t"))
            mailID = bare.split(separator: "@").first.flatMap { UUID(uuidString: String($0)) }
            if mailID == nil { checks.fail("messageId", "is not the Message-ID of a mail the platform sent") }
        }
        try checks.finish()
        guard let recipient else { throw Problem.internalError("validation let a missing field through") }
        return (recipient, mailID)
    }
}
