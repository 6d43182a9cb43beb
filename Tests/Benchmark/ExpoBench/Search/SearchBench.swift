import Contracts
import Foundation
import Logging
import Matchmaking
import NIOCore
import NIOHTTP1
import Persistence
import PostgresNIO
import TestSupport

/// `expo-bench search`: a generated catalogue loaded through the bulk path, then a rotating mix of
/// searches through the gateway, open loop at a fixed rate; plans of the slowest query shapes and
/// index sizes beside the latencies.
struct SearchBench {
    var products = 1_000_000
    var suppliers = 20_000
    var batch = 2_000
    var rate = 50.0
    var seconds = 60
    var output: String?
    var command = "deploy/stack bench search"
    /// Leaves the loaded schema in place (its name is printed), to study plans by hand.
    var keep = false
    let logger: Logger

    static let usage = """
        expo-bench search [--products N] [--suppliers N] [--batch N] [--rate R] [--seconds S] [--output FILE] [--command TEXT] [--keep]
        """

    init(_ arguments: [String], logger: Logger) throws {
        self.logger = logger
        var arguments = BenchArguments(arguments)
        while let flag = arguments.nextFlag() {
            switch flag {
            case "--products": products = try arguments.number(flag, atLeast: 1)
            case "--suppliers": suppliers = try arguments.number(flag, atLeast: 1)
            case "--batch": batch = try arguments.number(flag, atLeast: 1)
            case "--rate": rate = try arguments.number(flag, atLeast: 1)
            case "--seconds": seconds = try arguments.number(flag, atLeast: 1)
            case "--output": output = try arguments.value(flag)
            case "--command": command = try arguments.value(flag)
            case "--keep": keep = true
            default: throw BenchUsage(Self.usage)
            }
        }
    }

    func execute() async throws {
        let (schema, environment) = try await TestDatabase.freshSchema(for: "matchmaking")
        let gatewayPort = freePort()
        let matchmaking = try ServiceProcess("matchmaking", instance: "bench-matchmaking", opsPort: freePort(), environment: environment)
        let gateway = try ServiceProcess("gateway", instance: "bench-gateway", opsPort: freePort(), environment: [
            "EXPO_HTTP_PORT": "\(gatewayPort)", "EXPO_RATE_LIMIT_PER_MINUTE": "0", "EXPO_ACCOUNT_RATE_LIMIT_PER_MINUTE": "0",
        ])
        let database = Database(
            configuration: try DatabaseConfiguration(url: environment["EXPO_MATCHMAKING_POSTGRES_URL"] ?? "", schema: schema), logger: logger)
        let pool = Task { await database.run() }
        defer { pool.cancel() }
        do {
            let base = "http://127.0.0.1:\(gatewayPort)"
            let ready = await eventually(timeout: .seconds(60), interval: .milliseconds(300)) {
                (try? await http("GET", "http://127.0.0.1:\(gateway.opsPort)/health/services/matchmaking", timeout: 3))?["ready"] as? Bool == true
            }
            guard ready else { throw TestFailure("matchmaking not ready: \(matchmaking.output.suffix(2000))") }
            // Each part is written as soon as it is measured, so a failure later keeps what was.
            var report = ""
            func add(_ part: String) throws {
                report += part
                print(part)
                if let output { try report.write(toFile: output, atomically: true, encoding: .utf8) }
            }
            try add(try await load(database))
            let queries = try SearchMix.queries()
            try add(try await measure(queries, port: gatewayPort))
            try add(try await plans(queries, base: base, database: database))
        } catch {
            await stop([gateway, matchmaking], schema: schema)
            throw error
        }
        await stop([gateway, matchmaking], schema: schema)
    }

    func stop(_ processes: [ServiceProcess], schema: String) async {
        for process in processes { _ = try? await process.terminate() }
        if keep { print("kept schema \(schema)") } else { try? await TestDatabase.drop(schema: schema) }
    }

    /// Companies, then products in batches with every index in place; the write rate is the load's.
    func load(_ database: Database) async throws -> String {
        var generator = try CatalogueGenerator()
        let companies = (0..<suppliers).map { generator.company($0) }
        for chunk in stride(from: 0, to: companies.count, by: batch) {
            try await CatalogueBulkLoad.insert(Array(companies[chunk..<min(chunk + batch, companies.count)]), into: database, logger: logger)
        }
        let started = ContinuousClock.now
        var loaded = 0
        while loaded < products {
            let items = (0..<min(batch, products - loaded)).map { _ in generator.product(companyID: generator.pick(companies).id) }
            try await CatalogueBulkLoad.insert(items, into: database, logger: logger)
            loaded += items.count
            if loaded % 100_000 == 0 { logger.info("loaded", metadata: ["products": "\(loaded)"]) }
        }
        let elapsed = (ContinuousClock.now - started).secondsValue
        // What autovacuum does soon after a load in service: statistics, the visibility map (so a
        // category is browsed from its index alone) and the search index's pending entries merged.
        try await database.client.query("VACUUM (ANALYZE) companies, products, listings, search_terms", logger: logger)
        var sizes: [String] = []
        for try await (name, size) in try await database.client.query("""
            SELECT c.relname, pg_size_pretty(pg_relation_size(c.oid)) FROM pg_class c
            WHERE c.relnamespace = current_schema()::regnamespace
              AND c.relname IN ('products', 'listings', 'listings_match', 'listings_newest', 'listings_category', 'search_terms', 'search_terms_trigrams')
            ORDER BY c.relname
            """, logger: logger).decode((String, String).self) { sizes.append("| `\(name)` | \(size) |") }
        return """
            # Search benchmark

            `\(command)`, \(Date().formatted(.iso8601)). \(products) products of \(suppliers) suppliers in \
            \(CatalogueGenerator.countries.count) countries, generated from the shipped category tree.

            ## Load (bulk path, indexes in place, then `VACUUM (ANALYZE)`)

            \(products) products in \(String(format: "%.0f", elapsed)) s: **\(String(format: "%.0f", Double(products) / elapsed)) products/s** \
            in batches of \(batch) (each batch one transaction: insert, then derive the listings with their search vectors and the dictionary words).

            | relation | size |
            |---|---|
            \(sizes.joined(separator: "\n"))


            """
    }

    func measure(_ queries: [SearchMix.Query], port: Int) async throws -> String {
        let load = HTTPLoad(port: port)
        defer { Task { try? await load.shutdown() } }
        // A short warm-up fills the caches as a running service's would be.
        _ = try await load.run(.fixedRate(perSecond: rate), duration: .seconds(5), connections: 16) { queries[$0 % queries.count].request }
        let result = try await load.run(.fixedRate(perSecond: rate), duration: .seconds(seconds), connections: 16) {
            queries[($0 * 7919) % queries.count].request
        }
        func ms(_ p: Double) -> String { String(format: "%.1f", result.milliseconds(p)) }
        let p95 = result.milliseconds(95)
        let p99 = result.milliseconds(99)
        return """
            ## Queries through the gateway (open loop, \(Int(rate))/s for \(seconds) s)

            \(queries.count) different queries in rotation (\(Set(queries.map(\.shape)).sorted().joined(separator: ", "))).

            | completed | errors | p50 ms | p95 ms | p99 ms | max ms |
            |---|---|---|---|---|---|
            | \(result.completed) | \(result.errors) | \(ms(50)) | \(ms(95)) | \(ms(99)) | \(ms(100)) |

            Target p95 ≤ 50 ms and p99 ≤ 150 ms: **\(p95 <= 50 && p99 <= 150 ? "met" : "not met")**.


            """
    }

    /// Each shape's slowest query (by one sequential pass), explained as the service runs it.
    func plans(_ queries: [SearchMix.Query], base: String, database: Database) async throws -> String {
        var slowest: [String: (ms: Double, query: SearchMix.Query)] = [:]
        var failed: [String] = []
        for query in queries {
            let started = ContinuousClock.now
            let answer = try await http("GET", base + query.path, timeout: 30)
            let ms = (ContinuousClock.now - started).secondsValue * 1000
            if answer.status != 200 { failed.append("`\(query.path)` answered \(answer.status) after \(Int(ms)) ms") }
            if ms > slowest[query.shape]?.ms ?? -1 { slowest[query.shape] = (ms, query) }
        }
        var text = "## Slowest query of each shape (one sequential pass)\n\n"
        if !failed.isEmpty { text += "Not answered in time: " + failed.joined(separator: "; ") + ".\n\n" }
        text += "| shape | ms | query |\n|---|---|---|\n"
        var explained = ""
        var sequentialScans = 0
        for (shape, entry) in slowest.sorted(by: { $0.value.ms > $1.value.ms }) {
            text += "| \(shape) | \(String(format: "%.1f", entry.ms)) | `\(entry.query.path)` |\n"
            let plan = try await CatalogueBulkLoad.explain(entry.query.search, in: database, logger: logger)
            for table in ["products", "listings"] { sequentialScans += plan.components(separatedBy: "Seq Scan on \(table) ").count - 1 }
            explained += "### \(shape): `\(entry.query.path)`\n\n```\n\(plan)\n```\n\n"
        }
        text += "\nSequential scans over `products` or `listings` in these plans: **\(sequentialScans)**.\n\n## Plans (EXPLAIN (ANALYZE, BUFFERS))\n\n"
        return text + explained
    }
}

/// The rotating query mix: words, pairs, typos, prefixes, filters, facets, exhibitors, browsing.
enum SearchMix {
    struct Query {
        var shape: String
        var path: String
        var search: Search
        var request: LoadRequest {
            LoadRequest(method: .GET, path: path, headers: ["Host": "127.0.0.1"], body: nil)
        }
    }

    static func queries() throws -> [Query] {
        let generator = try CatalogueGenerator()
        let nouns = Array(Set(generator.leaves.map { CatalogueGenerator.noun($0.name).lowercased() })).sorted()
        let words = Array(Set(nouns.compactMap { $0.split(separator: " ").last.map(String.init) })).filter { $0.count >= 4 }.sorted()
        var queries: [Query] = []
        func add(_ shape: String, _ search: Search) {
            var items = [URLQueryItem]()
            if let q = search.query { items.append(.init(name: "q", value: q)) }
            if let kind = search.kind { items.append(.init(name: "kind", value: kind)) }
            if let category = search.category { items.append(.init(name: "category", value: category)) }
            if let country = search.country { items.append(.init(name: "country", value: country)) }
            if let min = search.priceMin { items.append(.init(name: "priceMin", value: "\(Int(min))")) }
            if let max = search.priceMax { items.append(.init(name: "priceMax", value: "\(Int(max))")) }
            if let currency = search.currency { items.append(.init(name: "currency", value: currency)) }
            if search.verifiedOnly == true { items.append(.init(name: "verifiedOnly", value: "true")) }
            var components = URLComponents()
            components.path = "/v1/search"
            components.queryItems = items
            queries.append(Query(shape: shape, path: components.string ?? "/v1/search", search: search))
        }
        for word in words.prefix(60) { add("one word", Search(query: word)) }
        for noun in nouns.filter({ $0.contains(" ") }).prefix(50) { add("several words", Search(query: noun)) }
        for word in words.prefix(40) {
            var letters = Array(word)
            letters.swapAt(1, 2)
            add("typo", Search(query: String(letters)))
        }
        for word in words.prefix(30) { add("prefix", Search(query: String(word.prefix(3)))) }
        let middle = ["pumps", "valves", "lathes", "industrial-robots", "sensors", "semiconductors", "solar-energy", "forklifts", "conveyors", "batteries"]
        for (index, word) in words.prefix(30).enumerated() {
            switch index % 3 {
            case 0: add("word + category", Search(query: word, category: middle[index % middle.count]))
            case 1: add("word + country", Search(query: word, country: CatalogueGenerator.countries[index % 20]))
            default: add("word + price", Search(query: word, priceMin: 1000, priceMax: 20_000, currency: "USD"))
            }
        }
        for word in ["machinery", "electronics", "precision", "automation", "hydraulics", "power", "technology", "equipment", "industrial", "ningbo"] {
            add("exhibitors", Search(query: word, kind: "exhibitor", verifiedOnly: true))
        }
        for category in middle { add("browse category", Search(query: nil, category: category)) }
        return queries
    }
}
