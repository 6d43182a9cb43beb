import Foundation

/// `expo-bench run` options; every one has a default that fits this 2-core machine.
struct BenchOptions: Sendable {
    /// Length of each measured run.
    var seconds = 10
    /// The moderate fixed rate of the open-loop runs, requests per second.
    var rate = 400.0
    /// The fixed rate of the write scenario: a write costs several times a read, and a rate
    /// above what the machine can commit measures only the queue.
    var writeRate = 100.0
    /// Connections (or callers) of the closed-loop runs, and of the open-loop ones.
    var connections = 32
    /// Rounds of every scenario: the later ones show whether memory keeps growing or settles.
    var rounds = 3
    /// Messages of each transport run.
    var messages = 100_000
    /// Calls of the sequential RPC runs.
    var calls = 5_000
    /// Signed-in accounts the HTTP scenarios spread their requests over.
    var users = 64
    /// pgbench's scale factor (100,000 rows each).
    var pgbenchScale = 10
    /// The scenarios to run (1, 2, A, B, C; T for the transport runs): all by default.
    var only: Set<String> = ["1", "2", "A", "B", "C", "T"]
    /// Where the Markdown report goes (stdout too).
    var output: String?
    /// How the report names the command that produced it.
    var command = "deploy/stack bench"

    init(_ arguments: [String]) throws {
        var arguments = BenchArguments(arguments)
        while let flag = arguments.nextFlag() {
            switch flag {
            case "--seconds": seconds = try arguments.number(flag, atLeast: 1)
            case "--rate": rate = try arguments.number(flag, atLeast: 1)
            case "--write-rate": writeRate = try arguments.number(flag, atLeast: 1)
            case "--connections": connections = try arguments.number(flag, atLeast: 1)
            case "--rounds": rounds = try arguments.number(flag, atLeast: 1)
            case "--messages": messages = try arguments.number(flag, atLeast: 1)
            case "--calls": calls = try arguments.number(flag, atLeast: 1)
            case "--users": users = try arguments.number(flag, atLeast: 1)
            case "--pgbench-scale": pgbenchScale = try arguments.number(flag, atLeast: 1)
            case "--only": only = Set(try arguments.value(flag).split(separator: ",").map(String.init))
            case "--output": output = try arguments.value(flag)
            case "--command": command = try arguments.value(flag)
            case "--help", "-h": throw BenchUsage(Self.usage)
            default: throw BenchUsage("unknown option \(flag)")
            }
        }
    }

    static let usage = """
        usage: expo-bench run [--seconds N] [--rate R] [--write-rate R] [--connections N] [--rounds N] [--messages N]
                              [--calls N] [--users N] [--pgbench-scale N] [--only 1,2,A,B,C,T]
                              [--output FILE] [--command TEXT]
               expo-bench plain-server PORT     (baseline A; reads EXPO_ACCOUNTS_POSTGRES_URL and _SCHEMA)
               expo-bench echo-server           (baseline B; reads EXPO_AMQP_URL)
        `deploy/stack bench` builds in release mode, starts the broker and database and runs `expo-bench run`.
        """
}

struct BenchUsage: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension BenchOptions {
    /// Whether the scenario named `name` (by its first character) is to run.
    func includes(_ name: String) -> Bool { only.contains(String(name.prefix(1))) }
}
