// swift-tools-version:6.2
import PackageDescription

/// One library target with all logic plus a thin executable per process.
let services: [(library: String, executable: String, product: String)] = [
    ("Gateway", "GatewayApp", "gateway"),
    ("Accounts", "AccountsApp", "accounts"),
    ("Matchmaking", "MatchmakingApp", "matchmaking"),
    ("Messaging", "MessagingApp", "messaging"),
    ("Marketing", "MarketingApp", "marketing"),
    ("Complaints", "ComplaintsApp", "complaints"),
    ("DataRights", "DataRightsApp", "data-rights"),
]

let strict: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

let log = Target.Dependency.product(name: "Logging", package: "swift-log")
let lifecycle = Target.Dependency.product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
let postgres = Target.Dependency.product(name: "PostgresNIO", package: "postgres-nio")
let hummingbird = Target.Dependency.product(name: "Hummingbird", package: "hummingbird")
let hummingbirdTesting = Target.Dependency.product(name: "HummingbirdTesting", package: "hummingbird")

var targets: [Target] = [
    // C: librabbitmq from the system, and a shim for what Swift cannot call directly.
    .systemLibrary(
        name: "CRabbitMQ", path: "Shared/CRabbitMQ", pkgConfig: "librabbitmq",
        providers: [.apt(["librabbitmq-dev"])]),
    .target(name: "CAMQPShim", dependencies: ["CRabbitMQ"], path: "Shared/CAMQPShim"),
    // C: libargon2 from the system, for password hashing.
    .systemLibrary(
        name: "CArgon2", path: "Shared/CArgon2", pkgConfig: "libargon2",
        providers: [.apt(["libargon2-dev"])]),
    // C: libcurl from the system, the SMTP client of the mail path, and a shim for its variadic calls.
    .systemLibrary(
        name: "CCurl", path: "Shared/CCurl", pkgConfig: "libcurl",
        providers: [.apt(["libcurl4-openssl-dev"])]),
    .target(name: "CCurlShim", dependencies: ["CCurl"], path: "Shared/CCurlShim"),

    .target(
        name: "AMQPTransport",
        dependencies: ["CAMQPShim", "CRabbitMQ", log, lifecycle],
        path: "Shared/AMQPTransport", swiftSettings: strict),
    .target(
        name: "Contracts", dependencies: [], path: "Shared/Contracts", swiftSettings: strict),
    .target(
        name: "MessageBus",
        dependencies: ["AMQPTransport", "Contracts", log, lifecycle,
                       .product(name: "Metrics", package: "swift-metrics")],
        path: "Shared/MessageBus", swiftSettings: strict),
    .target(
        name: "Persistence",
        dependencies: ["MessageBus", "AMQPTransport", "Contracts", postgres, log, lifecycle,
                       .product(name: "NIOSSL", package: "swift-nio-ssl"),
                       .product(name: "Metrics", package: "swift-metrics")],
        path: "Shared/Persistence", swiftSettings: strict),
    .target(
        name: "ServiceRuntime",
        dependencies: ["MessageBus", "Persistence", "AMQPTransport", "Contracts", log, lifecycle, hummingbird,
                       .product(name: "Crypto", package: "swift-crypto"), .product(name: "Metrics", package: "swift-metrics"),
                       .product(name: "Prometheus", package: "swift-prometheus")],
        path: "Shared/ServiceRuntime", swiftSettings: strict),

    .testTarget(
        name: "AMQPTransportTests", dependencies: ["AMQPTransport", "TestSupport"],
        path: "Tests/AMQPTransportTests", swiftSettings: strict),
    .testTarget(
        name: "MessageBusTests", dependencies: ["MessageBus", "TestSupport"],
        path: "Tests/MessageBusTests", swiftSettings: strict),
    .testTarget(
        name: "PersistenceTests", dependencies: ["Persistence", "TestSupport"],
        path: "Tests/PersistenceTests", swiftSettings: strict),
    .testTarget(
        name: "ServiceRuntimeTests", dependencies: ["ServiceRuntime", "TestSupport"],
        path: "Tests/ServiceRuntimeTests", swiftSettings: strict),
    .testTarget(
        name: "GatewayTests", dependencies: ["Gateway", "TestSupport", hummingbirdTesting],
        path: "Tests/GatewayTests", swiftSettings: strict),
    .testTarget(
        name: "AccountsTests", dependencies: ["Accounts", "TestSupport"],
        path: "Tests/AccountsTests", swiftSettings: strict),
    .testTarget(
        name: "MatchmakingTests", dependencies: ["Matchmaking", "TestSupport"],
        path: "Tests/MatchmakingTests", swiftSettings: strict),
    .testTarget(
        name: "MessagingTests", dependencies: ["Messaging", "TestSupport"],
        path: "Tests/MessagingTests", swiftSettings: strict),
    .testTarget(
        name: "MarketingTests", dependencies: ["Marketing", "TestSupport", .product(name: "_CryptoExtras", package: "swift-crypto")],
        path: "Tests/MarketingTests", swiftSettings: strict),
    .testTarget(
        name: "ComplaintsTests", dependencies: ["Complaints", "TestSupport"],
        path: "Tests/ComplaintsTests", swiftSettings: strict),
    .testTarget(
        name: "DataRightsTests", dependencies: ["DataRights", "TestSupport"],
        path: "Tests/DataRightsTests", swiftSettings: strict),
    .testTarget(
        name: "EndToEndTests",
        dependencies: ["TestSupport", "ServiceRuntime", .product(name: "HummingbirdWSClient", package: "hummingbird-websocket")],
        path: "Tests/EndToEndTests", swiftSettings: strict),
    .testTarget(
        name: "DeployTests", dependencies: ["Contracts", "MessageBus", .product(name: "Yams", package: "Yams")],
        path: "Tests/DeployTests", swiftSettings: strict),
    // The benchmark (deploy/stack bench): the platform next to its physical limits. Built with the
    // rest, run only on demand; the C floor talks to the broker with nothing but librabbitmq.
    .executableTarget(name: "AMQPFloor", dependencies: ["CRabbitMQ"], path: "Tests/Benchmark/AMQPFloor"),
    .executableTarget(
        name: "ExpoBench",
        dependencies: ["TestSupport", "Accounts", "Matchmaking", "MessageBus", "AMQPTransport", "Persistence", "Contracts", log, lifecycle,
                       postgres, hummingbird, .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                       .product(name: "Histogram", package: "hdrhistogram-swift"),
                       .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                       .product(name: "NIOHTTP1", package: "swift-nio")],
        path: "Tests/Benchmark/ExpoBench", swiftSettings: strict),
    // The marketing team's command-line tool: publishes campaign triggers and bounce reports on expo.commands.
    .executableTarget(
        name: "CampaignTool",
        dependencies: ["AMQPTransport", "MessageBus", "ServiceRuntime", "Contracts", "Marketing", log,
                       .product(name: "ArgumentParser", package: "swift-argument-parser")],
        path: "Services/Marketing/CampaignTool", swiftSettings: strict),
    // Helpers every integration test shares: environment, broker control, process spawning.
    .target(
        name: "TestSupport", dependencies: ["ServiceRuntime", "Persistence", "MessageBus", "AMQPTransport", log, postgres],
        path: "Tests/TestSupport", swiftSettings: strict),
]

for service in services {
    var dependencies: [Target.Dependency] = [
        "ServiceRuntime", "MessageBus", "Persistence", "Contracts", "AMQPTransport", log, lifecycle,
        .product(name: "Metrics", package: "swift-metrics"), .product(name: "Prometheus", package: "swift-prometheus"),
    ]
    var resources: [Resource]?
    switch service.library {
    case "Gateway":
        dependencies += [hummingbird, .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                         .product(name: "Yams", package: "Yams"), .product(name: "Crypto", package: "swift-crypto"),
                         .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
                         .product(name: "NIOHTTPTypes", package: "swift-nio-extras")]
        resources = [.copy("OpenAPI"), .copy("Web")]
    case "Accounts":
        dependencies += ["CArgon2", .product(name: "Crypto", package: "swift-crypto"),
                         .product(name: "NIOPosix", package: "swift-nio")]
        resources = [.copy("Resources")]
    case "Matchmaking":
        resources = [.copy("Resources")]
    case "Marketing":
        dependencies += ["CCurl", "CCurlShim", .product(name: "Mustache", package: "swift-mustache"),
                         .product(name: "Crypto", package: "swift-crypto"), .product(name: "_CryptoExtras", package: "swift-crypto"),
                         .product(name: "NIOPosix", package: "swift-nio")]
        resources = [.copy("Resources")]
    default:
        break
    }
    targets.append(.target(
        name: service.library, dependencies: dependencies,
        path: "Services/\(service.library)/\(service.library)", resources: resources, swiftSettings: strict))
    targets.append(.executableTarget(
        name: service.executable, dependencies: [.target(name: service.library), "ServiceRuntime", log],
        path: "Services/\(service.library)/\(service.executable)", swiftSettings: strict))
}

// Linux only (no `platforms`): the transport's shim uses eventfd, the tests and tools Glibc. The
// tools version is the one the dependencies ask for (swift-log, swift-service-lifecycle: 6.2).
let package = Package(
    name: "OnlineExpo",
    products: services.map { .executable(name: $0.product, targets: [$0.executable]) }
        + [.executable(name: "expo-campaign", targets: ["CampaignTool"]), .executable(name: "expo-bench", targets: ["ExpoBench"]), .executable(name: "amqp-floor", targets: ["AMQPFloor"])],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: targets,
    swiftLanguageModes: [.v6]
)
