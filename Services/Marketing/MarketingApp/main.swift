import Marketing
import ServiceRuntime

await ProcessBootstrap.run(.marketing, build: buildMarketing)
