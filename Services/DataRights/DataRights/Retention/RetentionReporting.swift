import Contracts
import Foundation
import MessageBus
import Persistence
import ServiceRuntime

/// The retention report: each service's sweeper records what every run removed, and this asks them
/// all (its own record read directly), so staff see per service when it last swept and what each
/// rule removed; a service that does not answer is named as unreachable.
struct RetentionReporting: Sendable {
    let database: Database
    let services: SubjectServices

    /// Well within the gateway's own wait, so the report arrives with the silent services named.
    static let patience = Duration.seconds(2)

    func register(into handlers: inout RPCHandlers) {
        handlers.register(GetRetentionReport.self, report)
    }

    /// `data-rights.get-retention-report.v1`.
    @Sendable func report(_: GetRetentionReport, _ context: RequestContext) async throws -> RetentionReport {
        let own = try await database.withConnection { try await RetentionSweeper.report(of: .dataRights, on: $0, logger: context.logger) }
        let answers = await withTaskGroup(of: (ServiceName, RetentionReport.Service?).self) { group in
            for service in SubjectServices.holders {
                group.addTask {
                    let reply = try? await services.perform(.reportRetention, on: service, NoContent(), requestID: UUID(), timeout: Self.patience)
                    return (service, reply.flatMap { try? MessageCodec.decode(RetentionReport.Service.self, from: $0) })
                }
            }
            var answers: [(ServiceName, RetentionReport.Service?)] = []
            for await answer in group { answers.append(answer) }
            return answers
        }
        return RetentionReport(
            services: ([own] + answers.compactMap(\.1)).sorted { $0.service.rawValue < $1.service.rawValue },
            unreachable: answers.filter { $0.1 == nil }.map(\.0).sorted { $0.rawValue < $1.rawValue })
    }
}
