import DataRights
import ServiceRuntime

await ProcessBootstrap.run(.dataRights, build: buildDataRights)
