/// One scenario's numbers in one round.
struct ScenarioResult: Sendable {
    let name: String
    /// The open-loop run's fixed rate, requests per second.
    let rate: Double
    /// Closed loop: the most it can do.
    var saturated: LoadResult
    /// Open loop at the moderate fixed rate: the latencies a user sees.
    var fixedRate: LoadResult
    /// CPU microseconds per request, by process, over the closed-loop run.
    var cpuPerRequest: [String: Double]
}

/// A message-rate run of the transport or of the C floor.
struct RateResult: Sendable {
    let name: String
    let messages: Int
    let seconds: Double
    var perSecond: Double { Double(messages) / seconds }
}

/// Everything one round measured, and the memory each process held after it.
struct RoundResult: Sendable {
    var scenarios: [ScenarioResult] = []
    var rates: [RateResult] = []
    /// RPC calls one after another, by client and server: the transport's pair, the C floor's,
    /// and the two mixed pairs that tell which side any difference is on.
    var sequentialCalls: [(name: String, result: LoadResult)] = []
    var memoryKiB: [String: Int] = [:]

    func scenario(_ prefix: String) -> ScenarioResult? { scenarios.first { $0.name.hasPrefix(prefix) } }
    func sequential(_ prefix: String) -> LoadResult? { sequentialCalls.first { $0.name.hasPrefix(prefix) }?.result }
}
