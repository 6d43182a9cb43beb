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
        Migration(source: "personal-data", version: 2, name: "staged exports", sql: """
            -- A person's export as it was when a request first asked for it, so every chunk of it is cut from one
            -- copy; removed after a day (`stagedExportRetention`) or with the person's data.
            CREATE TABLE staged_exports (
                request_id uuid        PRIMARY KEY,
                account_id uuid        NOT NULL,
                body       bytea       NOT NULL,
                staged_at  timestamptz NOT NULL DEFAULT now()
            );
            CREATE INDEX staged_exports_account ON staged_exports (account_id);
            CREATE INDEX staged_exports_staged_at ON staged_exports (staged_at);
            """),
    ]

    /// Data-rights has its own copy once it assembled the chunks; a day covers its retries.
    public static let stagedExportRetention = RetentionRule(
        name: "staged exports", sql: "DELETE FROM staged_exports WHERE staged_at < now() - interval '1 day'")

    /// The bytes `range` of the export staged for `task`'s request, and its whole length, staging
    /// what `make` builds if there is none yet (of two replicas asked at once, both answer from the
    /// first one's copy). Only the range leaves the database: a chunk costs its own size.
    public static func stagedExport(
        for task: DataSubjectTask, bytes range: Range<Int>, on transaction: Transaction, make: () async throws -> Data
    ) async throws -> (bytes: Data, length: Int) {
        let slice = "substring(body FROM \(range.lowerBound + 1) FOR \(range.count)), octet_length(body)"
        let staged = try await transaction.query("SELECT \(unescaped: slice) FROM staged_exports WHERE request_id = \(task.requestID)")
        for try await (bytes, length) in staged.decode((Data, Int).self) { return (bytes, length) }
        // On a conflict the update changes nothing and returns the row that won.
        let stored = try await transaction.query("""
            INSERT INTO staged_exports (request_id, account_id, body) VALUES (\(task.requestID), \(task.accountID), \(try await make()))
            ON CONFLICT (request_id) DO UPDATE SET staged_at = staged_exports.staged_at RETURNING \(unescaped: slice)
            """)
        for try await (bytes, length) in stored.decode((Data, Int).self) { return (bytes, length) }
        throw Problem.internalError("the export of request \(task.requestID) was not staged")
    }

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
        for try await _ in try await transaction.execute(ErasedSubject(accountID: accountID)) { return true }
        return false
    }

    /// Keeps only the fact of the erasure: the person's restriction and objections go with the rest.
    public static func markErased(_ task: DataSubjectTask, on transaction: Transaction) async throws {
        try await transaction.query("DELETE FROM processing_restrictions WHERE account_id = \(task.accountID)")
        try await transaction.query("DELETE FROM objections WHERE account_id = \(task.accountID)")
        try await transaction.query("DELETE FROM staged_exports WHERE account_id = \(task.accountID)")
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

/// Asked by event handlers before they record anything about a person: prepared, so PostgreSQL
/// plans it once per connection.
struct ErasedSubject: PostgresPreparedStatement {
    static let sql = "SELECT 1 FROM erased_subjects WHERE account_id = $1"
    typealias Row = Void

    let accountID: UUID

    func makeBindings() -> PostgresBindings {
        var bindings = PostgresBindings()
        bindings.append(accountID)
        return bindings
    }

    func decodeRow(_: PostgresRow) {}
}
