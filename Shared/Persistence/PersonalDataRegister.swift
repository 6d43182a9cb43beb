import Contracts
import Foundation
import PostgresNIO

/// What every service that holds personal data records the same way: whose processing is
/// restricted, who objected to what, and whose data was erased (so a late event about them does
/// not bring it back). Services read it where their processing must honour it.
public enum PersonalDataRegister {
    /// The register's tables, in the schema of each service that holds personal data.
    public static let migrations: [Migration] = [
        Migration(source: "personal-data", version: 1, name: "restrictions, objections, erasures", sql: """
            -- Art. 18-style restriction: the data is kept, but not otherwise processed until lifted.
            CREATE TABLE processing_restrictions (
                account_id    uuid        PRIMARY KEY,
                restricted_at timestamptz NOT NULL DEFAULT now(),
                request_id    uuid        NOT NULL
            );
            -- Objections, each scope honoured on its own; withdrawing one deletes its row.
            CREATE TABLE objections (
                account_id  uuid        NOT NULL,
                scope       text        NOT NULL CHECK (scope IN ('direct-marketing', 'profiling', 'legitimate-interest')),
                recorded_at timestamptz NOT NULL DEFAULT now(),
                request_id  uuid        NOT NULL,
                PRIMARY KEY (account_id, scope)
            );
            -- People whose data this service erased: only the id, so events about them are ignored.
            CREATE TABLE erased_subjects (
                account_id uuid        PRIMARY KEY,
                erased_at  timestamptz NOT NULL DEFAULT now(),
                request_id uuid        NOT NULL
            );
            """),
    ]

    /// Restricts or lifts; repeating either changes nothing.
    public static func restrict(_ request: RestrictProcessing, on transaction: Transaction) async throws -> ProcessingRestriction {
        let task = request.task
        if request.restricted {
            try await transaction.query("""
                INSERT INTO processing_restrictions (account_id, request_id) VALUES (\(task.accountID), \(task.requestID))
                ON CONFLICT (account_id) DO NOTHING
                """)
        } else {
            try await transaction.query("DELETE FROM processing_restrictions WHERE account_id = \(task.accountID)")
        }
        return try await restriction(of: task.accountID, on: transaction)
    }

    public static func restriction(of accountID: UUID, on transaction: Transaction) async throws -> ProcessingRestriction {
        let rows = try await transaction.query("SELECT restricted_at FROM processing_restrictions WHERE account_id = \(accountID)")
        for try await since in rows.decode(Date.self) { return ProcessingRestriction(restricted: true, since: since) }
        return ProcessingRestriction(restricted: false)
    }

    /// Records or withdraws one objection; repeating either changes nothing.
    public static func object(_ request: RecordObjection, on transaction: Transaction) async throws -> Objections {
        let task = request.task
        if request.withdrawn {
            try await transaction.query("DELETE FROM objections WHERE account_id = \(task.accountID) AND scope = \(request.scope.rawValue)")
        } else {
            try await transaction.query("""
                INSERT INTO objections (account_id, scope, request_id) VALUES (\(task.accountID), \(request.scope.rawValue), \(task.requestID))
                ON CONFLICT (account_id, scope) DO NOTHING
                """)
        }
        return Objections(scopes: try await objections(of: task.accountID, on: transaction))
    }

    public static func objections(of accountID: UUID, on transaction: Transaction) async throws -> [ObjectionScope] {
        let rows = try await transaction.query("SELECT scope FROM objections WHERE account_id = \(accountID) ORDER BY scope")
        var scopes: [ObjectionScope] = []
        for try await scope in rows.decode(String.self) { scopes.append(contentsOf: ObjectionScope(rawValue: scope).map { [$0] } ?? []) }
        return scopes
    }

    public static func isErased(_ accountID: UUID, on transaction: Transaction) async throws -> Bool {
        for try await _ in try await transaction.query("SELECT 1 FROM erased_subjects WHERE account_id = \(accountID)") { return true }
        return false
    }

    /// Keeps only the fact of the erasure: the person's restriction and objections go with the rest.
    public static func markErased(_ task: DataSubjectTask, on transaction: Transaction) async throws {
        try await transaction.query("DELETE FROM processing_restrictions WHERE account_id = \(task.accountID)")
        try await transaction.query("DELETE FROM objections WHERE account_id = \(task.accountID)")
        try await transaction.query("""
            INSERT INTO erased_subjects (account_id, request_id) VALUES (\(task.accountID), \(task.requestID))
            ON CONFLICT (account_id) DO NOTHING
            """)
        // What the platform's own tables still keep about the person: events already published
        // (kept a week for diagnosis) and stored replies of idempotent requests that name them.
        // Events not yet published stay: the erasure's own announcements are among them.
        let pattern = "%\(task.accountID.uuidString)%"
        try await transaction.query("DELETE FROM outbox WHERE state = 'published' AND convert_from(body, 'UTF8') ILIKE \(pattern)")
        try await transaction.query("""
            DELETE FROM idempotency_keys WHERE scope ILIKE \(pattern) OR convert_from(response, 'UTF8') ILIKE \(pattern)
            """)
    }
}
