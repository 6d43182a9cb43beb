import Foundation
import Glibc

/// A process under test as /proc shows it: one pid, or every process of a server that forks
/// (PostgreSQL's backends, RabbitMQ's Erlang VM), found by command name at each reading.
struct WatchedProcess: Sendable {
    let name: String
    let pids: @Sendable () -> [Int32]

    static func pid(_ name: String, _ pid: Int32) -> WatchedProcess { WatchedProcess(name: name) { [pid] } }

    static func command(_ name: String, _ command: String) -> WatchedProcess {
        WatchedProcess(name: name) { ProcFS.pids(command: command) }
    }

    /// CPU seconds used so far, children that exited included (a PostgreSQL backend that ended
    /// during the run moves its time into the postmaster's).
    var cpuSeconds: Double { pids().reduce(0) { $0 + (ProcFS.cpuSeconds($1) ?? 0) } }

    /// Memory in KiB: the resident set of a single process; for a group the sum of proportional
    /// set sizes, so the shared memory every PostgreSQL backend maps is counted once.
    var memoryKiB: Int {
        let pids = pids()
        if pids.count == 1 { return ProcFS.status(pids[0], "VmRSS") ?? 0 }
        return pids.reduce(0) { $0 + (ProcFS.proportionalKiB($1) ?? 0) }
    }
}

/// CPU seconds per watched process between two readings.
struct CPUReading: Sendable {
    let seconds: [String: Double]

    init(_ processes: [WatchedProcess]) {
        seconds = Dictionary(uniqueKeysWithValues: processes.map { ($0.name, $0.cpuSeconds) })
    }

    func used(since earlier: CPUReading) -> [String: Double] {
        seconds.reduce(into: [:]) { used, entry in used[entry.key] = entry.value - (earlier.seconds[entry.key] ?? entry.value) }
    }
}

enum ProcFS {
    private static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))

    /// utime + stime + cutime + cstime of `pid`, in seconds.
    static func cpuSeconds(_ pid: Int32) -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        // Fields after the command (which may hold spaces): state is field 3, utime field 14.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 14 else { return nil }
        let ticks = fields[11...14].compactMap { Double($0) }.reduce(0, +)
        return ticks / ticksPerSecond
    }

    /// A `kB` line of /proc/<pid>/status, e.g. VmRSS.
    static func status(_ pid: Int32, _ key: String) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        return kibibytes(in: status, key: key)
    }

    static func proportionalKiB(_ pid: Int32) -> Int? {
        guard let rollup = try? String(contentsOfFile: "/proc/\(pid)/smaps_rollup", encoding: .utf8) else { return nil }
        return kibibytes(in: rollup, key: "Pss")
    }

    private static func kibibytes(in text: String, key: String) -> Int? {
        for line in text.split(separator: "\n") where line.hasPrefix("\(key):") {
            return line.split(separator: " ").dropFirst().first.flatMap { Int($0) }
        }
        return nil
    }

    /// Every process whose command name is `command`.
    static func pids(command: String) -> [Int32] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return entries.compactMap { entry in
            guard let pid = Int32(entry),
                  let comm = try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8),
                  comm.trimmingCharacters(in: .whitespacesAndNewlines) == command else { return nil }
            return pid
        }
    }
}
