import Contracts
import Foundation
import Persistence

/// What the law says a person must be told, at the registered address: the code that confirms a
/// request staff entered, a later deadline and a denial with their reasons, a corrected mistake, and a security incident
/// that touched their data. Transactional: marketing opt-outs do not stop it.
enum DataRightsMails {
    static func register(into handlers: inout TransactionalEventHandlers, mailer: Mailer) {
        handlers.register(DataRequestVerificationRequested.self) { event, transaction in
            try await mail(.dataRequestCode, about: event.requestID, to: event.accountID, values: [
                "kind": event.kind.rawValue, "channel": event.channel.rawValue, "code": event.code,
                "verifyBy": event.verifyBy.formatted(.iso8601),
                "link": mailer.link("/privacy/data-requests/\(event.requestID.uuidString.lowercased())/verify"),
            ], mailer: mailer, on: transaction)
        }
        handlers.register(DataRequestExtended.self) { event, transaction in
            try await mail(.dataRequestExtended, about: event.requestID, to: event.accountID, values: [
                "kind": event.kind.rawValue, "dueAt": event.dueAt.formatted(.iso8601), "reason": event.reason,
                "link": mailer.link("/privacy/data-requests/\(event.requestID.uuidString.lowercased())"),
            ], dedupe: "\(Int(event.dueAt.timeIntervalSince1970))", mailer: mailer, on: transaction)
        }
        handlers.register(SecurityNoticeIssued.self) { event, transaction in
            let notice = event.notice
            try await mail(.securityIncident, about: notice.incidentID, to: event.accountID, values: [
                "title": notice.title, "description": notice.description, "measures": notice.measures, "advice": notice.advice,
                "discoveredAt": notice.discoveredAt.formatted(.iso8601), "link": mailer.link("/privacy/notices"),
            ], mailer: mailer, on: transaction)
        }
        handlers.register(DataRequestResolved.self) { event, transaction in
            try await mail(.dataRequestResolved, about: event.requestID, to: event.accountID, values: [
                "resolution": event.resolution, "link": mailer.link("/privacy/data-requests/\(event.requestID.uuidString.lowercased())"),
            ], mailer: mailer, on: transaction)
        }
        handlers.register(DataRequestDenied.self) { event, transaction in
            try await mail(.dataRequestDenied, about: event.requestID, to: event.accountID, values: [
                "kind": event.kind.rawValue, "reason": event.denial.reason, "legalGround": event.denial.legalGround.rawValue,
                "link": mailer.link("/privacy/data-requests/\(event.requestID.uuidString.lowercased())"),
            ], mailer: mailer, on: transaction)
        }
    }

    private static func mail(
        _ name: TransactionalTemplates.Name, about itemID: UUID, to accountID: UUID, values: [String: String], dedupe: String = "",
        mailer: Mailer, on transaction: Transaction
    ) async throws {
        // An erased person has nobody to write to; one whose registration has not reached the
        // directory yet is written to once it has (the event waits, as an early one does).
        guard try await !PersonalDataRegister.isErased(accountID, on: transaction) else { return }
        guard let person = try await ContactDirectory.person(accountID, on: transaction) else { throw ContactNotYetKnown(accountID: accountID) }
        try await mailer.queue(
            mailer.templates.template(name, language: person.contact.language), values: values, to: person.contact, purpose: name.rawValue,
            marketing: false, dedupeKey: "\(name.rawValue)/\(itemID)/\(accountID)/\(dedupe)", on: transaction)
    }
}
