import Complaints
import ServiceRuntime

await ProcessBootstrap.run(.complaints, build: buildComplaints)
