import Accounts
import ServiceRuntime

await ProcessBootstrap.run(.accounts, build: buildAccounts)
