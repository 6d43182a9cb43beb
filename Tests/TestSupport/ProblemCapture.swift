import Contracts

/// Runs `body` and returns the `Problem` it threw (nil if it threw none, rethrows anything else).
public func problem(_ body: () async throws -> some Any) async throws -> Problem? {
    do {
        _ = try await body()
        return nil
    } catch let problem as Problem {
        return problem
    }
}
