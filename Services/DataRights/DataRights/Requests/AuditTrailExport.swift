import Contracts
import Foundation
import MessageBus
import Persistence
import ServiceRuntime

/// The audit trail as an auditor reads it: one CSV row per step of every request in a period.
struct AuditTrailExport: Sendable {
    let database: Database

    /// A reply travels as one AMQP message (4 MiB): a longer period is asked for in parts.
    static let maximumRows = 20_000

    func register(into handlers: inout RPCHandlers) {
        handlers.register(ExportAuditTrail.self, export)
    }

    /// `data-rights.export-audit-trail.v1`: `from` inclusive, `to` exclusive (an empty period, an
    /// empty file).
    @Sendable func export(_ request: ExportAuditTrail, _ context: RequestContext) async throws -> DownloadedFile {
        var checks = FieldChecks()
        let from = checks.time("from", request.from)
        let to = checks.time("to", request.to)
        try checks.finish()
        guard let from, let to else { throw Problem.internalError("validation let a missing field through") }
        var csv = "sequence,at,request_id,account_id,kind,channel,actor,event,detail\r\n"
        var rows = 0
        try await database.withConnection { connection in
            for try await (sequence, at, requestID, accountID, kind, channel, actor, event, detail) in try await connection.query("""
                SELECT e.sequence, e.at, e.request_id, r.account_id, r.kind, r.channel, e.actor, e.event, e.detail
                FROM data_request_events e JOIN data_requests r ON r.id = e.request_id
                WHERE e.at >= \(from) AND e.at < \(to) ORDER BY e.sequence LIMIT \(Self.maximumRows + 1)
                """, logger: context.logger).decode((Int64, Date, UUID, UUID, String, String, String, String, String?).self) {
                rows += 1
                guard rows <= Self.maximumRows else { break }
                let fields = [
                    "\(sequence)", at.formatted(.iso8601), requestID.uuidString.lowercased(), accountID.uuidString.lowercased(), kind, channel,
                    actor, event, detail ?? "",
                ]
                csv += fields.map(Self.quoted).joined(separator: ",") + "\r\n"
            }
        }
        guard rows <= Self.maximumRows else {
            throw Problem(status: 422, code: .periodTooLong, title: "The period holds too many steps for one file",
                          detail: "more than \(Self.maximumRows) steps; ask for a shorter period and join the files")
        }
        let name = "audit-trail-\(from.formatted(.iso8601))-\(to.formatted(.iso8601)).csv".replacingOccurrences(of: ":", with: "")
        return DownloadedFile(fileName: name, contentType: "text/csv; charset=utf-8", data: Data(csv.utf8))
    }

    /// RFC 4180: every field quoted, quotes doubled; a leading formula character is neutralised so
    /// a spreadsheet shows the text instead of running it.
    static func quoted(_ field: String) -> String {
        let safe = field.first.map { "=+-@".contains($0) } == true ? "'" + field : field
        return "\"" + safe.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

extension Problem.Code {
    static let periodTooLong = Problem.Code("period-too-long")
}
