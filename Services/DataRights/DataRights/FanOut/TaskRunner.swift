import Contracts
import Foundation
import Logging
import MessageBus
import Persistence
import ServiceRuntime

/// Asks each service for its part of the open requests until it answers: a task is leased with
/// `SKIP LOCKED` (one replica asks at a time; a lease that ran out is taken again after a crash),
/// a failed ask is retried with backoff and shows the request as waiting for services, and every
/// answer is recorded in the audit trail. A repeated ask is a no-op in every service.
struct TaskRunner: Sendable {
    let database: Database
    let services: SubjectServices
    let logger: Logger
    let now: @Sendable () -> Date

    static let batch = 20
    static let lease: TimeInterval = 120

    func work(interval: Duration) -> PeriodicWork {
        // A full batch means more are due: they are asked at once, not an interval later.
        PeriodicWork(name: "data-request tasks", interval: interval) { while try await runDue() == Self.batch {} }
    }

    struct Task: Sendable {
        var requestID: UUID
        var service: ServiceName
        var attempts: Int
        var accountID: UUID
        var kind: DataRequestKind
        var scope: ObjectionScope?
        var lifting: Bool
    }

    /// Asks every due task once; answers how many were asked.
    @discardableResult
    func runDue() async throws -> Int {
        let tasks = try await claim()
        await withTaskGroup(of: Void.self) { group in
            for task in tasks { group.addTask { await ask(task) } }
        }
        return tasks.count
    }

    private func claim() async throws -> [Task] {
        let now = self.now()
        return try await database.transaction(context: MessageContext(), logger: logger) { transaction in
            var tasks: [Task] = []
            for try await (requestID, service, attempts, accountID, kind, scope, lifting) in try await transaction.query("""
                WITH due AS (
                    SELECT request_id, service FROM data_request_tasks
                    WHERE state = 'pending' AND next_attempt_at <= \(now) AND (lease_until IS NULL OR lease_until < \(now))
                    ORDER BY next_attempt_at LIMIT \(Self.batch) FOR UPDATE SKIP LOCKED
                )
                UPDATE data_request_tasks t SET lease_until = \(now.addingTimeInterval(Self.lease)), attempts = t.attempts + 1
                FROM due, data_requests r WHERE t.request_id = due.request_id AND t.service = due.service AND r.id = t.request_id
                RETURNING t.request_id, t.service, t.attempts, r.account_id, r.kind, r.scope, r.lifting
                """).decode((UUID, String, Int, UUID, String, String?, Bool).self) {
                guard let service = ServiceName(rawValue: service), let kind = DataRequestKind(rawValue: kind) else { continue }
                tasks.append(Task(requestID: requestID, service: service, attempts: attempts, accountID: accountID, kind: kind,
                                  scope: scope.flatMap(ObjectionScope.init(rawValue:)), lifting: lifting))
            }
            return tasks
        }
    }

    /// Asks the service and records what it answered, or that it did not.
    private func ask(_ task: Task) async {
        let subject = DataSubjectTask(requestID: task.requestID, accountID: task.accountID)
        do {
            let answer: (DataRequestPart.State, String?, Data?)
            switch task.kind {
            case .access, .portability:
                let part = try await PersonalDataExportChunk.assemble { chunk in
                    try MessageCodec.decode(PersonalDataExportChunk.self, from: try await services.perform(
                        .export, on: task.service, ExportPersonalData(task: subject, chunk: chunk), requestID: task.requestID))
                }
                answer = (.done, nil, part)
            case .erasure, .cancellation:
                let outcome = try MessageCodec.decode(
                    ErasureOutcome.self, from: try await services.perform(.erase, on: task.service, subject, requestID: task.requestID))
                answer = (outcome.state == .done ? .done : .postponed, outcome.reason, nil)
            case .restriction:
                _ = try await services.perform(.restrict, on: task.service, RestrictProcessing(task: subject, restricted: !task.lifting),
                                               requestID: task.requestID)
                answer = (.done, nil, nil)
            case .objection, .withdrawConsent:
                let scope = task.kind == .withdrawConsent ? .directMarketing : (task.scope ?? .directMarketing)
                _ = try await services.perform(.object, on: task.service, RecordObjection(task: subject, scope: scope, withdrawn: task.lifting),
                                               requestID: task.requestID)
                answer = (.done, nil, nil)
            case .rectification:
                // Never asked: support staff correct it and record the resolution (it has no tasks).
                throw Problem.internalError("a rectification has no service tasks")
            }
            try await record(task, state: answer.0, reason: answer.1, result: answer.2)
        } catch {
            do { try await retryLater(task, because: error) } catch {
                logger.warning("a data-request task could not be rescheduled", metadata: ["service": "\(task.service.rawValue)", "error": "\(error)"])
            }
        }
    }

    private func record(_ task: Task, state: DataRequestPart.State, reason: String?, result: Data?) async throws {
        let now = self.now()
        try await database.transaction(context: MessageContext(), logger: logger) { transaction in
            // Answers to one request are recorded one at a time: each may be the one that completes it.
            try await transaction.query("SELECT 1 FROM data_requests WHERE id = \(task.requestID) FOR UPDATE")
            try await transaction.query("""
                UPDATE data_request_tasks SET state = \(state.rawValue), reason = \(reason), result = \(result), answered_at = \(now), lease_until = NULL
                WHERE request_id = \(task.requestID) AND service = \(task.service.rawValue) AND state = 'pending'
                """)
            try await DataRequestRecords.audit(task.requestID, by: task.service.rawValue, state == .done ? "done" : "postponed", reason, at: now,
                                               on: transaction)
            try await RequestProgress.advance(task.requestID, kind: task.kind, at: now, on: transaction)
        }
    }

    private func retryLater(_ task: Task, because error: any Error) async throws {
        let now = self.now()
        let backoff = min(pow(2, Double(task.attempts)), 300)
        // A problem's reason, or the transport's (which names no person): what staff need to see.
        let detail = (error as? Problem).map(\.reason) ?? "\(error)"
        try await database.transaction(context: MessageContext(), logger: logger) { transaction in
            try await transaction.query("""
                UPDATE data_request_tasks SET next_attempt_at = \(now.addingTimeInterval(backoff)), lease_until = NULL
                WHERE request_id = \(task.requestID) AND service = \(task.service.rawValue) AND state = 'pending'
                """)
            try await transaction.query("""
                UPDATE data_requests SET status = 'waiting-for-services' WHERE id = \(task.requestID) AND status = 'in-progress'
                """)
            try await DataRequestRecords.audit(task.requestID, by: task.service.rawValue, "no answer; asked again later",
                                               "attempt \(task.attempts): \(detail)", at: now, on: transaction)
        }
    }
}
