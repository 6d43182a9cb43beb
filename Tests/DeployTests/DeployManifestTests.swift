import Contracts
import Foundation
import MessageBus
import Testing
import Yams

/// compose.yaml and deploy/k8s cannot be run here (no Docker engine or cluster): these tests keep
/// them in step with the package by reading them.
@Suite struct DeployManifestTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let opsRoutes: Set<String> = ["/health/live", "/health/ready", "/metrics"]

    static func yaml(_ path: String) throws -> [[String: Any]] {
        let text = try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
        return try Yams.load_all(yaml: text).compactMap { $0 as? [String: Any] }
    }

    /// The executables Package.swift declares (its `services` table).
    static func packageExecutables() throws -> Set<String> {
        let manifest = try String(contentsOf: root.appendingPathComponent("Package.swift"), encoding: .utf8)
        let pattern = try Regex(#"\("\w+", "\w+App", "([a-z-]+)"\)"#)
        return Set(manifest.matches(of: pattern).compactMap { $0.output[1].substring.map(String.init) })
    }

    @Test func theManifestDeclaresExactlyTheSevenProcesses() throws {
        #expect(try Self.packageExecutables() == Set(ServiceName.allCases.map(\.rawValue)))
    }

    /// `deploy/stack run` starts the processes in this order and gives each the ops port of its
    /// place (gateway 9100, accounts 9101, ...), as the platform's own list does.
    @Test func theLocalStackRunsThePlatformsServicesInItsOrder() throws {
        let script = try String(contentsOf: Self.root.appendingPathComponent("deploy/stack"), encoding: .utf8)
        let line = try #require(script.split(separator: "\n").first { $0.hasPrefix("SERVICES=(") })
        let listed = line.dropFirst("SERVICES=(".count).prefix { $0 != ")" }.split(separator: " ").map(String.init)
        #expect(listed == ServiceName.allCases.map(\.rawValue))
    }

    @Test func composeRunsEveryExecutableWithHealthChecksAndScalableReplicas() throws {
        let compose = try #require(try Self.yaml("compose.yaml").first)
        let services = try #require(compose["services"] as? [String: Any])
        for executable in try Self.packageExecutables() {
            let service = try #require(services[executable] as? [String: Any], "\(executable) in compose.yaml")
            #expect(service["command"] as? [String] == [executable])
            #expect(service["container_name"] == nil, "\(executable) must stay scalable")
            let health = (service["healthcheck"] as? [String: Any])?["test"] as? [String]
            #expect(health?.contains { $0.hasSuffix(":9100/health/ready") } == true, "\(executable) health check")
            let dependsOn = service["depends_on"] as? [String: Any]
            for infrastructure in ["rabbitmq", "postgres"] where executable != "gateway" {
                #expect((dependsOn?[infrastructure] as? [String: Any])?["condition"] as? String == "service_healthy")
            }
            #expect((service["deploy"] as? [String: Any])?["replicas"] as? Int == 1)
            let environment = service["environment"] as? [String: Any]
            #expect(environment?["EXPO_AMQP_URL"] != nil, "\(executable) gets the shared environment")
            if let name = ServiceName(rawValue: executable), name != .gateway {
                #expect(environment?[name.environmentPrefix + "POSTGRES_PASSWORD"] != nil, "\(executable) has its own password")
            }
        }
        let gatewayPorts = (services["gateway"] as? [String: Any])?["ports"] as? [Any]
        #expect(gatewayPorts?.contains { "\($0)".contains("8080") } == true)
    }

    @Test func everyKubernetesDeploymentRunsAnExecutableWithRealProbes() throws {
        let executables = try Self.packageExecutables()
        var deployed: Set<String> = []
        var scaledQueues: Set<String> = []
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("deploy/k8s").path)
        for file in files where file.hasSuffix(".yaml") {
            for document in try Self.yaml("deploy/k8s/\(file)") {
                switch document["kind"] as? String {
                case "Deployment":
                    let spec = ((document["spec"] as? [String: Any])?["template"] as? [String: Any])?["spec"] as? [String: Any]
                    let container = try #require((spec?["containers"] as? [[String: Any]])?.first)
                    let executable = try #require((container["args"] as? [String])?.first)
                    #expect(executables.contains(executable), "\(file) runs \(executable)")
                    deployed.insert(executable)
                    let ports = (container["ports"] as? [[String: Any]])?.compactMap { $0["name"] as? String } ?? []
                    for probe in ["readinessProbe", "livenessProbe"] {
                        let http = (container[probe] as? [String: Any])?["httpGet"] as? [String: Any]
                        let path = try #require(http?["path"] as? String, "\(file) \(probe)")
                        #expect(Self.opsRoutes.contains(path), "\(file) \(probe) \(path)")
                        #expect(ports.contains(http?["port"] as? String ?? ""), "\(file) \(probe) port")
                    }
                case "ScaledObject":
                    let triggers = (document["spec"] as? [String: Any])?["triggers"] as? [[String: Any]] ?? []
                    for trigger in triggers {
                        if let queue = (trigger["metadata"] as? [String: Any])?["queueName"] as? String { scaledQueues.insert(queue) }
                    }
                default:
                    continue
                }
            }
        }
        #expect(deployed == executables)
        let subscribers = ServiceName.backends.filter { !(ServiceManifest.subscriptions[$0] ?? []).isEmpty }
        #expect(scaledQueues == Set(ServiceName.backends.map(PlatformTopology.rpcQueue) + subscribers.map(PlatformTopology.eventQueue)),
                "a queue-length autoscaler per worker's requests, and per subscriber's events")
    }

    /// The six backends' manifests are one template with their name: a change is made once, and a
    /// service that starts subscribing to events is scaled on its events queue too.
    @Test func everyBackendManifestIsTheTemplateWithItsName() throws {
        let folder = Self.root.appendingPathComponent("deploy/k8s")
        let template = try String(contentsOf: folder.appendingPathComponent("backend.yaml.template"), encoding: .utf8)
        for service in ServiceName.backends {
            let expected = Self.manifest(of: service, from: template)
            let file = folder.appendingPathComponent("\(service.rawValue).yaml")
            var committed = try? String(contentsOf: file, encoding: .utf8)
            if committed != expected, ProcessInfo.processInfo.environment["EXPO_WRITE_MANIFESTS"] == "1" {
                try expected.write(to: file, atomically: true, encoding: .utf8)
                committed = expected
            }
            #expect(committed == expected,
                    "deploy/k8s/\(service.rawValue).yaml differs from backend.yaml.template: EXPO_WRITE_MANIFESTS=1 swift test --filter DeployManifestTests writes it")
        }
    }

    /// `template` for `service`: the `{{#about}}` note dropped, the `{{#events}}` block kept only if
    /// the service subscribes to events, and `{{service}}` replaced.
    static func manifest(of service: ServiceName, from template: String) -> String {
        let subscribes = !(ServiceManifest.subscriptions[service] ?? []).isEmpty
        var lines: [Substring] = []
        var keeping = true
        for line in template.split(separator: "\n", omittingEmptySubsequences: false) {
            switch line {
            case "{{#about}}": keeping = false
            case "{{#events}}": keeping = subscribes
            case "{{/about}}", "{{/events}}": keeping = true
            default: if keeping { lines.append(line) }
            }
        }
        return lines.joined(separator: "\n").replacingOccurrences(of: "{{service}}", with: service.rawValue)
    }
}
