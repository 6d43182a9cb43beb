import Contracts
import Foundation
import MessageBus
import Persistence
import ServiceRuntime
import Testing
import TestSupport

/// The data-rights part's export on the real database: a part larger than a message travels in
/// chunks cut from one staged copy.
@Suite(.serialized, .integration) struct PersonalDataExportTests {
    /// A service holding one long document about everyone, counting how often it was asked.
    struct LargePart: PersonalDataPart {
        let document: String
        let calls = LockedBox(0)

        func export(_ task: DataSubjectTask, in transaction: Transaction) async throws -> (categories: [PersonalDataCategory], document: String) {
            calls.mutate { $0 += 1 }
            return ([PersonalDataCategory(name: "messages", purpose: "talking to suppliers", legalBasis: "contract", retention: "2 years")], document)
        }

        func erase(_ task: DataSubjectTask, in transaction: Transaction) async throws -> String? { nil }
    }

    @Test func aPartLargerThanAMessageArrivesWholeInChunksFromOneCopy() async throws {
        // 9 MiB of text, more than twice the 4 MiB a message may carry.
        let line = "2026-11-02 Zhang Min: could you quote 3 units of the HGP-3 gear pump delivered to Hamburg?\n"
        let part = LargePart(document: String(repeating: line, count: 9 * (1 << 20) / line.utf8.count))
        try await HandlerHarness.with(.messaging, define: { _, _ in BackendDefinition(personalData: .held(part)) }) { harness in
            let task = DataSubjectTask(requestID: UUID(), accountID: UUID())
            let first = try await harness.send(.export, ExportPersonalData(task: task, chunk: 0), as: PersonalDataExportChunk.self)
            #expect(first.chunks >= 5)
            #expect(try MessageCodec.encode(first).count < IncomingMessage.maxBodyBytes, "a chunk fits in one message")

            let export = try await harness.export(task)
            #expect(export.document == part.document && export.accountID == task.accountID)
            #expect(part.calls.value == 1, "every chunk is cut from the one copy staged for the request")
            await #expect {
                _ = try await harness.send(.export, ExportPersonalData(task: task, chunk: first.chunks), as: PersonalDataExportChunk.self)
            } throws: { ($0 as? Problem)?.status == 404 }

            // Another request is a new copy; erasure takes the staged copies with the rest.
            _ = try await harness.export(DataSubjectTask(requestID: UUID(), accountID: task.accountID))
            #expect(part.calls.value == 2)
            #expect(try await harness.send(.erase, task, as: ErasureOutcome.self).state == .done)
            let staged = try await harness.database.count("SELECT count(*) FROM staged_exports")
            #expect(staged == 0)
        }
    }
}
