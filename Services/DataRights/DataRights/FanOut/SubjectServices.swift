import Contracts
import Foundation
import MessageBus

/// The services a request is fanned out to, reached over the bus: each backend's data-rights
/// part, and accounts for the password that confirms a request, the account an address names and
/// the accounts an incident names.
struct SubjectServices: Sendable {
    let bus: MessageBus
    let timeout: Duration

    /// The backends that hold personal data, besides this one.
    static let holders: [ServiceName] = ServiceName.backends.filter { $0 != .dataRights && ServiceManifest.of($0).holdsPersonalData }

    /// Sends one data-rights operation to `service` and answers its reply body; a `Problem` or a
    /// transport error (broker away, no answer in time) is thrown.
    func perform<Body: Encodable>(
        _ operation: PersonalDataOperation, on service: ServiceName, _ body: Body, requestID: UUID, timeout: Duration? = nil
    ) async throws -> Data {
        let reply = try await bus.call(
            operation.type(of: service), body: try MessageCodec.encode(body),
            context: MessageContext(correlationID: requestID.uuidString.lowercased()), timeout: timeout ?? self.timeout)
        if reply.isProblem { _ = try reply.decode(NoContent.self) }
        return reply.body
    }

    /// Throws accounts' 403 `wrong-password` unless `password` is the caller's.
    func verify(password: String?, of context: RequestContext) async throws {
        _ = try await bus.call(VerifyPassword(password: password), context: MessageContext(context.message), timeout: timeout)
    }

    /// Those of `accountIDs` that name no account (or an erased one), asked as the staff member in `context`.
    func unknownAccounts(among accountIDs: [UUID], by context: RequestContext) async throws -> [UUID] {
        guard !accountIDs.isEmpty else { return [] }
        return try await bus.call(FindUnknownAccounts(accountIDs: accountIDs), context: MessageContext(context.message), timeout: timeout)
            .accountIDs
    }

    /// The account registered with `email`, asked as the staff member in `context`; nil when none is.
    func account(using email: String, by context: RequestContext) async throws -> UUID? {
        do {
            return try await bus.call(FindAccount(email: email), context: MessageContext(context.message), timeout: timeout).accountID
        } catch let problem as Problem where problem.code == .notFound {
            return nil
        }
    }
}
