import Foundation
import PostgresNIO
import TestSupport

/// Baseline C: `pgbench -S` (select-only, extended protocol like PostgresNIO) against the same
/// PostgreSQL server, in a database of its own. Latencies come from pgbench's per-transaction log.
struct DatabaseBaseline {
    static let database = "expo_bench"
    let scale: Int
    let logFolder: URL

    /// Creates the database if needed and loads pgbench's tables afresh.
    func prepare() async throws {
        let exists = try await TestDatabase.adminCount("SELECT count(*) FROM pg_database WHERE datname = '\(Self.database)'")
        if exists == 0 {
            try await TestDatabase.admin { connection, logger in
                try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(Self.database)"), logger: logger)
            }
        }
        _ = try await pgbench(["-i", "-q", "-s", "\(scale)"])
    }

    /// `clients` clients as fast as they can (no `rate`), or at `rate` transactions a second in all.
    func run(clients: Int, seconds: Int, rate: Double?) async throws -> LoadResult {
        try? FileManager.default.removeItem(at: logFolder)
        try FileManager.default.createDirectory(at: logFolder, withIntermediateDirectories: true)
        var arguments = ["-S", "-n", "-M", "extended", "-c", "\(clients)", "-j", "2", "-T", "\(seconds)",
                         "-l", "--log-prefix", logFolder.appendingPathComponent("tx").path]
        if let rate { arguments += ["-R", "\(Int(rate))"] }
        let output = try await pgbench(arguments)
        var result = LoadResult()
        result.seconds = Double(seconds)
        for file in try FileManager.default.contentsOfDirectory(at: logFolder, includingPropertiesForKeys: nil) {
            // client_id transaction_no time script_no time_epoch time_us [schedule_lag]
            for line in try String(contentsOf: file, encoding: .utf8).split(separator: "\n") {
                let fields = line.split(separator: " ")
                guard fields.count >= 6, let time = Int64(fields[2]) else { continue }
                let lag = fields.count > 6 ? Int64(fields[6]) ?? 0 : 0
                result.record(.microseconds(time + lag), ok: true)
            }
        }
        if let failed = output.split(separator: "\n").first(where: { $0.contains("number of failed transactions") }),
           let count = failed.split(separator: ":").last?.split(separator: " ").first.flatMap({ Int($0) }) {
            result.errors += count
        }
        return result
    }

    private func pgbench(_ arguments: [String]) async throws -> String {
        let url = URLComponents(string: TestEnvironment.adminPostgresURL)!
        return try await Subprocess.succeed(
            "/usr/bin/pgbench", ["-h", url.host!, "-p", "\(url.port ?? 5432)", "-U", url.user!] + arguments + [Self.database],
            environment: ["PGPASSWORD": url.password ?? ""]).output
    }
}
