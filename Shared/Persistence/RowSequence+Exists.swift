import PostgresNIO

extension PostgresRowSequence {
    /// Whether the statement answered any row.
    public var exists: Bool {
        get async throws {
            for try await _ in self { return true }
            return false
        }
    }
}
