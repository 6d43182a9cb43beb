import Foundation
import Testing
import TestSupport

/// Several replicas of one service behind the gateway, as `deploy/stack run --scale accounts=3` runs them.
@Suite(.serialized, .integration) struct ScalingTests {
    @Test func requestsSpreadAcrossReplicasAndAStoppingReplicaDropsNone() async throws {
        let httpPort = freePort()
        // A load test from one address: the per-IP limit is off, as for a benchmark.
        let gateway = try ServiceProcess(
            "gateway", instance: uniqueName("gateway"), opsPort: freePort(),
            environment: ["EXPO_HTTP_PORT": "\(httpPort)", "EXPO_RATE_LIMIT_PER_MINUTE": "0"])
        let replicas = try (1...3).map { _ in try ServiceProcess("accounts", instance: uniqueName("accounts"), opsPort: freePort()) }
        let all = [gateway] + replicas
        defer { for process in all where process.isRunning { process.signal(SIGKILL) } }
        let ping = "http://127.0.0.1:\(gateway.opsPort)/health/services/accounts"

        // Every replica has joined the queue when each one has answered at least once.
        var seen: Set<String> = []
        let spread = await eventually(timeout: .seconds(60), interval: .milliseconds(50)) {
            if let answer = try? await httpGet(ping), answer.status == 200,
               let instance = (try? JSONSerialization.jsonObject(with: answer.body) as? [String: Any])?["instance"] as? String {
                seen.insert(instance)
            }
            return seen == Set(replicas.map(\.name))
        }
        #expect(spread, "replies came from \(seen)")

        // Steady load from four clients; one replica is stopped (SIGTERM) in the middle of it.
        let statuses = LockedBox<[Int]>([])
        let answeredWhenStopped = LockedBox(0)
        let stopAfter = 100
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    for _ in 0..<150 {
                        let status = (try? await httpGet(ping, timeout: 10).status) ?? -1
                        statuses.mutate { $0.append(status) }
                    }
                }
            }
            group.addTask {
                _ = await eventually(timeout: .seconds(60), interval: .milliseconds(10)) { statuses.value.count >= stopAfter }
                _ = try await replicas[0].terminate()
                answeredWhenStopped.mutate { $0 = statuses.value.count }
            }
            try await group.waitForAll()
        }
        let answered = statuses.value
        #expect(answered.count == 600)
        #expect(answeredWhenStopped.value < 600, "the replica was gone before the load ended")
        #expect(answered.allSatisfy { $0 == 200 }, "every request answered while a replica left: \(Dictionary(grouping: answered, by: { $0 }).mapValues(\.count))")
        #expect(!replicas[0].isRunning && replicas[1].isRunning && replicas[2].isRunning)

        for process in all where process.isRunning {
            let status = try await process.terminate()
            #expect(status == 0, "\(process.name) exit status")
        }
    }
}
