import Foundation
import Histogram
import Synchronization

/// Who sends which benchmark message, when it was sent, and when and how often it reached its
/// recipient's socket. Message `index` of a run goes over pair `index % pairs`, from the purchaser
/// and the supplier in turn; its text is "live bench RUN INDEX".
final class DeliveryLog: Sendable {
    struct Route: Sendable {
        var pair: Int
        var sender: Int
        var recipient: Int
    }

    private struct State {
        var sent: [Int: ContinuousClock.Instant] = [:]
        var firstArrival: [Int: ContinuousClock.Instant] = [:]
        var arrivals: [Int: Int] = [:]
        var misdelivered = 0
    }

    let pairs: Int
    let run: Int
    private let state = Mutex(State())

    /// Records only the messages of `run` (an earlier run's are a warm-up).
    init(pairs: Int, run: Int) {
        self.pairs = pairs
        self.run = run
    }

    /// Pair p is the supplier at account index 2p and the purchaser at 2p + 1.
    func route(_ index: Int) -> Route {
        let pair = index % pairs
        let fromSupplier = (index / pairs) % 2 == 1
        return Route(pair: pair, sender: fromSupplier ? 2 * pair : 2 * pair + 1, recipient: fromSupplier ? 2 * pair + 1 : 2 * pair)
    }

    static func text(run: Int, index: Int) -> String { "live bench \(run) \(index)" }

    func sent(_ index: Int, run: Int) {
        guard run == self.run else { return }
        let now = ContinuousClock.now
        state.withLock { $0.sent[index] = now }
    }

    /// A text frame on `owner`'s socket: a `message.created` of this run counts for its recipient.
    func arrived(owner: Int, frame: String, at instant: ContinuousClock.Instant) {
        guard let parsed = try? JSONDecoder().decode(Frame.self, from: Data(frame.utf8)), parsed.type == "message.created",
              let words = parsed.data?.text?.split(separator: " "), words.count == 4, words[0] == "live", words[1] == "bench",
              Int(words[2]) == run, let index = Int(words[3]) else { return }
        let route = route(index)
        guard owner != route.sender else { return }
        state.withLock { state in
            guard owner == route.recipient else { return state.misdelivered += 1 }
            state.arrivals[index, default: 0] += 1
            if state.firstArrival[index] == nil { state.firstArrival[index] = instant }
        }
    }

    /// Messages that reached their recipient at least once.
    var delivered: Set<Int> { state.withLock { Set($0.arrivals.keys) } }

    struct Summary {
        var latency = Histogram<UInt64>(highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three)
        var duplicated = 0
        var misdelivered = 0
    }

    /// Delivery latency (POST sent → frame at the recipient), in microseconds, and the repeats.
    func summary() -> Summary {
        state.withLock { state in
            var summary = Summary(misdelivered: state.misdelivered)
            for (index, arrival) in state.firstArrival {
                guard let sent = state.sent[index] else { continue }
                _ = summary.latency.record(UInt64(max(0, (arrival - sent).microseconds)))
            }
            summary.duplicated = state.arrivals.values.filter { $0 > 1 }.count
            return summary
        }
    }

    private struct Frame: Decodable {
        struct Message: Decodable { var text: String? }
        var type: String
        var data: Message?
    }
}
