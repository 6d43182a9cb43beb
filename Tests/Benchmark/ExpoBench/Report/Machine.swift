import Foundation
import Glibc

/// Where and with what the numbers were measured.
struct Machine: Sendable {
    let summary: String
    let software: String
    let date: String
    let commit: String

    static func describe() async -> Machine {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }?
            .split(separator: ":", maxSplits: 1).last?.trimmingCharacters(in: .whitespaces) ?? "unknown CPU"
        let cores = sysconf(Int32(_SC_NPROCESSORS_ONLN))
        let memory = (try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8))?.split(separator: "\n")
            .first { $0.hasPrefix("MemTotal:") }?.split(separator: " ").dropFirst().first.flatMap { Double($0) } ?? 0
        var name = utsname()
        uname(&name)
        let kernel = withUnsafeBytes(of: name.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        var versions: [String] = []
        for (label, package) in [("RabbitMQ", "rabbitmq-server"), ("PostgreSQL", "postgresql-15"), ("librabbitmq", "librabbitmq4")] {
            let version = try? await Subprocess.run("/usr/bin/dpkg-query", ["-W", "-f", "${Version}", package])
            versions.append("\(label) \(version?.status == 0 ? version!.output : "?")")
        }
        let environment = ProcessInfo.processInfo.environment
        versions.append(environment["EXPO_BENCH_SWIFT_VERSION"] ?? "Swift (version not given)")
        return Machine(
            summary: "\(model), \(cores) cores, \(String(format: "%.0f", memory / 1_048_576)) GiB, Linux \(kernel)",
            software: versions.joined(separator: ", "),
            date: ISO8601DateFormatter().string(from: Date()),
            commit: environment["EXPO_BENCH_COMMIT"] ?? "unknown")
    }
}
