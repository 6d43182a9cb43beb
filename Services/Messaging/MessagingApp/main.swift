import Messaging
import ServiceRuntime

await ProcessBootstrap.run(.messaging, build: buildMessaging)
