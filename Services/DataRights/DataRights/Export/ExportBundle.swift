import Contracts
import Foundation
import MessageBus
import Persistence

/// The export of an access or portability request: one JSON file per service with what it holds
/// about the person, this service's own record of their requests, and a manifest of what each
/// file is, from where and when, for which purposes on which legal basis.
enum ExportBundle {
    struct Manifest: Encodable {
        struct Part: Encodable {
            var service: String
            var file: String
            var generatedAt: Date
            var categories: [PersonalDataCategory]
            var restriction: ProcessingRestriction
            var objections: [ObjectionScope]
        }

        var requestID: UUID
        var accountID: UUID
        var generatedAt: Date
        var parts: [Part]
    }

    static func build(for requestID: UUID, at now: Date, on transaction: Transaction) async throws {
        var archive = ZipArchive()
        var parts: [Manifest.Part] = []
        var accountID: UUID?
        for try await (result) in try await transaction.query("""
            SELECT result FROM data_request_tasks WHERE request_id = \(requestID) AND result IS NOT NULL ORDER BY service
            """).decode(Data.self) {
            let export = try MessageCodec.decode(PersonalDataExport.self, from: result)
            let file = "\(export.service.rawValue).json"
            archive.add(file, Data(export.document.utf8), date: export.generatedAt)
            accountID = export.accountID
            parts.append(.init(service: export.service.rawValue, file: file, generatedAt: export.generatedAt, categories: export.categories,
                               restriction: export.restriction, objections: export.objections))
        }
        let own = try await DataRightsPersonalData.document(ofRequest: requestID, on: transaction)
        archive.add("data-rights.json", own.document, date: now)
        parts.append(.init(service: ServiceName.dataRights.rawValue, file: "data-rights.json", generatedAt: now,
                           categories: DataRightsPersonalData.categories, restriction: ProcessingRestriction(restricted: false), objections: []))
        let manifest = Manifest(requestID: requestID, accountID: accountID ?? own.accountID, generatedAt: now, parts: parts)
        archive.add("manifest.json", try MessageCodec.encode(manifest), date: now)
        try await transaction.query("""
            INSERT INTO exports (request_id, bundle, available_until) VALUES (\(requestID), \(archive.data), \(now.addingTimeInterval(DataRequestHandlers.exportLifetime)))
            ON CONFLICT (request_id) DO NOTHING
            """)
        // The parts live on only in the bundle.
        try await transaction.query("UPDATE data_request_tasks SET result = NULL WHERE request_id = \(requestID)")
    }
}
