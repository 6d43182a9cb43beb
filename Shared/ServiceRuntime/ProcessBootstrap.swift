import Contracts
import Foundation
import Logging
import Metrics
import Prometheus
import ServiceLifecycle

/// Process-wide set-up, done once by each executable's `main` (libraries never do it): logging
/// and the metrics registry that the ops server exposes.
public enum ProcessBootstrap {
    public static func start(_ configuration: ServiceConfiguration) -> (logger: Logger, metrics: PrometheusCollectorRegistry) {
        let level = configuration.logLevel
        LoggingSystem.bootstrap { label in
            var handler = LogfmtLogHandler(label: label)
            handler.logLevel = level
            return handler
        }
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        var logger = Logger(label: configuration.service.rawValue)
        logger[metadataKey: "instance"] = "\(configuration.instance)"
        return (logger, registry)
    }

    /// Prints a configuration error the way an operator needs it and exits with status 78 (EX_CONFIG).
    public static func exit(_ error: any Error) -> Never {
        FileHandle.standardError.write(Data("fatal: \(error)\n".utf8))
        Foundation.exit(error is ConfigurationError ? 78 : 1)
    }
}

extension ProcessBootstrap {
    /// The whole `main` of an executable: read the configuration, set up logging and metrics,
    /// build the process with `build` and run it until SIGTERM/SIGINT.
    public static func run(
        _ service: ServiceName,
        build: (ServiceConfiguration, Logger, PrometheusCollectorRegistry) throws -> ServiceGroup
    ) async -> Never {
        do {
            let configuration = try ServiceConfiguration(service: service)
            let (logger, metrics) = start(configuration)
            logger.info("starting", metadata: ["version": "\(PlatformVersion.current)", "opsPort": "\(configuration.opsPort)"])
            let group = try build(configuration, logger, metrics)
            let watch = configuration.parentPID.map { parent in
                Task {
                    guard await ParentWatch.exited(parent) else { return }
                    logger.warning("the process that started this one exited; stopping", metadata: ["parent": "\(parent)"])
                    await group.triggerGracefulShutdown()
                }
            }
            try await group.run()
            watch?.cancel()
            logger.info("stopped")
            Foundation.exit(0)
        } catch {
            exit(error)
        }
    }
}
