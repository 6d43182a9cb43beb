import PostgresNIO

/// An error of the persistence layer, with a stable code (postgres-nio's errors are the model).
public struct DatabaseError: Error, Sendable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        public static let invalidConfiguration = Code("invalid-configuration")
        /// The service's schema does not exist or its role may not use it.
        public static let schemaMissing = Code("schema-missing")
        public static let migrationFailed = Code("migration-failed")
        /// The same Idempotency-Key came with a different request.
        public static let idempotencyKeyReused = Code("idempotency-key-reused")
    }

    public let code: Code
    public let detail: String

    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "DatabaseError(\(code)): \(detail)" }
}

extension Error {
    /// The SQLSTATE of a PostgreSQL error, e.g. `42501` for insufficient privilege.
    public var sqlState: String? { (self as? PSQLError)?.serverInfo?[.sqlState] }
}
