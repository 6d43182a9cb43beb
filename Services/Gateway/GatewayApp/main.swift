import Gateway
import ServiceRuntime

await ProcessBootstrap.run(.gateway) { configuration, logger, metrics in
    try buildGateway(configuration: configuration, logger: logger, metrics: metrics)
}
