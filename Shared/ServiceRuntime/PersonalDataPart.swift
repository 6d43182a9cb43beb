import Contracts
import Foundation
import MessageBus
import Persistence

/// A backend's data-rights part: what it holds about one person, and how it erases it. The
/// restriction and objection registers are the platform's (`PersonalDataRegister`); the service
/// reads them where its processing must honour them.
public protocol PersonalDataPart: Sendable {
    /// What the service holds about the person: the categories (what, why, on which basis, how
    /// long) and the data itself as one JSON document.
    func export(_ task: DataSubjectTask, in transaction: Transaction) async throws -> (categories: [PersonalDataCategory], document: String)

    /// Deletes or anonymises the person's data; answers nil when done, or why it must wait (a
    /// legal hold, an obligation that still needs the data), in which case nothing may change.
    func erase(_ task: DataSubjectTask, in transaction: Transaction) async throws -> String?
}

/// What a backend's definition says about personal data: it holds some, with its part, or none,
/// explicitly.
public enum PersonalData: Sendable {
    case holdsNone
    case held(any PersonalDataPart)

    /// The platform register's tables, in the schema of a service that holds personal data.
    public var migrations: [Migration] {
        if case .held = self { PersonalDataRegister.migrations } else { [] }
    }

    /// How long the register's own rows are kept.
    public var retention: [RetentionRule] {
        if case .held = self { [PersonalDataRegister.stagedExportRetention] } else { [] }
    }
}

extension RPCHandlers {
    /// The data-rights requests of `service` if it holds personal data, each repeatable without
    /// further effect: the four about one person, and its sweeper's retention report.
    public mutating func register(_ personalData: PersonalData, of service: ServiceName, database: Database) {
        guard case .held(let part) = personalData else { return }
        register(PersonalDataOperation.export.type(of: service), as: ExportPersonalData.self) { request, context in
            try await database.transaction(context) { transaction in
                let task = request.task
                let size = PersonalDataExportChunk.maxBytes
                let start = max(0, request.chunk) * size
                let (bytes, length) = try await PersonalDataRegister.stagedExport(for: task, bytes: start..<(start + size), on: transaction) {
                    let (categories, document) = try await part.export(task, in: transaction)
                    return try MessageCodec.encode(PersonalDataExport(
                        service: service, accountID: task.accountID, generatedAt: Date(), categories: categories, document: document,
                        restriction: try await PersonalDataRegister.restriction(of: task.accountID, on: transaction),
                        objections: try await PersonalDataRegister.objections(of: task.accountID, on: transaction)))
                }
                let chunks = PersonalDataExportChunk.count(ofBytes: length)
                guard (0..<chunks).contains(request.chunk) else {
                    throw Problem.notFound("the export has \(chunks) chunks; there is no chunk \(request.chunk)")
                }
                return PersonalDataExportChunk(chunk: request.chunk, chunks: chunks, data: bytes)
            }
        }
        register(PersonalDataOperation.erase.type(of: service), as: DataSubjectTask.self) { task, context in
            try await database.transaction(context) { transaction in
                guard try await !PersonalDataRegister.isErased(task.accountID, on: transaction) else {
                    return ErasureOutcome(service: service, state: .done)
                }
                if let reason = try await part.erase(task, in: transaction) {
                    return ErasureOutcome(service: service, state: .postponed, reason: reason)
                }
                try await PersonalDataRegister.markErased(task, on: transaction)
                return ErasureOutcome(service: service, state: .done)
            }
        }
        register(PersonalDataOperation.restrict.type(of: service), as: RestrictProcessing.self) { request, context in
            try await database.transaction(context) { try await PersonalDataRegister.restrict(request, on: $0) }
        }
        register(PersonalDataOperation.object.type(of: service), as: RecordObjection.self) { request, context in
            try await database.transaction(context) { try await PersonalDataRegister.object(request, on: $0) }
        }
        register(PersonalDataOperation.reportRetention.type(of: service), as: NoContent.self) { _, context in
            try await database.withConnection { try await RetentionSweeper.report(of: service, on: $0, logger: context.logger) }
        }
    }
}
