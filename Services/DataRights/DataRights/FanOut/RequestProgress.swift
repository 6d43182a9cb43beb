import Contracts
import Foundation
import Persistence

/// What follows an answer: the account's turn in an erasure once every other service answered,
/// and the request's end once every part did, with its export bundle for access and portability.
enum RequestProgress {
    static func advance(_ requestID: UUID, kind: DataRequestKind, at now: Date, on transaction: Transaction) async throws {
        var states: [(String, String, String?)] = []
        for try await row in try await transaction.query("""
            SELECT service, state, reason FROM data_request_tasks WHERE request_id = \(requestID) ORDER BY service FOR UPDATE
            """).decode((String, String, String?).self) { states.append(row) }
        if kind.erases, let waiting = states.first(where: { $0.1 == DataRequestPart.State.waiting.rawValue }),
           !states.contains(where: { $0.1 == DataRequestPart.State.pending.rawValue }) {
            let held = states.filter { $0.1 == DataRequestPart.State.postponed.rawValue }.map(\.0)
            if held.isEmpty {
                try await transaction.query("""
                    UPDATE data_request_tasks SET state = 'pending', next_attempt_at = \(now) WHERE request_id = \(requestID) AND service = \(waiting.0)
                    """)
                return
            }
            // The account is what signs in and what the held data belongs to: it stays until the hold ends.
            let reason = "the account is kept until what \(held.joined(separator: ", ")) must keep can be erased; ask again once that ends"
            try await transaction.query("""
                UPDATE data_request_tasks SET state = 'postponed', reason = \(reason), answered_at = \(now)
                WHERE request_id = \(requestID) AND service = \(waiting.0)
                """)
            try await DataRequestRecords.audit(requestID, by: waiting.0, "postponed", reason, at: now, on: transaction)
            states = states.map { $0.0 == waiting.0 ? ($0.0, DataRequestPart.State.postponed.rawValue, reason) : $0 }
        }
        let open = [DataRequestPart.State.pending.rawValue, DataRequestPart.State.waiting.rawValue]
        guard !states.contains(where: { open.contains($0.1) }) else { return }
        let postponed = states.contains { $0.1 == DataRequestPart.State.postponed.rawValue }
        let status: DataRequestStatus = postponed ? .partiallyCompleted : .completed
        guard try await transaction.query("""
            UPDATE data_requests SET status = \(status.rawValue), completed_at = \(now)
            WHERE id = \(requestID) AND status IN ('in-progress', 'waiting-for-services') RETURNING 1
            """).exists else { return }
        if kind.exports { try await ExportBundle.build(for: requestID, at: now, on: transaction) }
        if kind.erases, status == .completed {
            // Last, this service's own part: its exports and what the person wrote go, the proof stays.
            let accountID = try await transaction.query("SELECT account_id FROM data_requests WHERE id = \(requestID)").decode(UUID.self)
                .first { _ in true }
            if let accountID { _ = try await DataRightsPersonalData().erase(DataSubjectTask(requestID: requestID, accountID: accountID), in: transaction) }
        }
        try await DataRequestRecords.audit(requestID, by: "platform", status.rawValue, at: now, on: transaction)
    }
}
