import Matchmaking
import ServiceRuntime

await ProcessBootstrap.run(.matchmaking, build: buildMatchmaking)
