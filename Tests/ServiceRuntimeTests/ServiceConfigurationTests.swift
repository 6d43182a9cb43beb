import Contracts
import ServiceRuntime
import Testing

@Suite struct ServiceConfigurationTests {
    @Test func localStackDefaults() throws {
        let configuration = try ServiceConfiguration(service: .dataRights, environment: [:])
        #expect(configuration.amqp.port == 5682)
        #expect(configuration.database?.username == "data_rights")
        #expect(configuration.database?.schema == "data_rights")
        #expect(configuration.database?.port == 5442)
        #expect(configuration.opsPort == 9106)
        #expect(configuration.rpcTimeout == .seconds(5))
    }

    @Test func perServiceDatabaseOverride() throws {
        let configuration = try ServiceConfiguration(service: .accounts, environment: [
            "EXPO_POSTGRES_URL": "postgres://shared-db:5432/expo",
            "EXPO_ACCOUNTS_POSTGRES_URL": "postgres://acc:pw@accounts-db:6432/accountsdb?sslmode=require",
        ])
        #expect(configuration.database?.host == "accounts-db")
        #expect(configuration.database?.database == "accountsdb")
        #expect(configuration.database?.tls == .require)
        let other = try ServiceConfiguration(service: .marketing, environment: [
            "EXPO_POSTGRES_URL": "postgres://shared-db:5432/expo", "EXPO_MARKETING_POSTGRES_PASSWORD": "from-secret",
        ])
        #expect(other.database?.host == "shared-db")
        #expect(other.database?.username == "marketing")
        #expect(other.database?.password == "from-secret")
    }

    @Test func theGatewayOwnsNoDatabase() throws {
        #expect(try ServiceConfiguration(service: .gateway, environment: [:]).database == nil)
    }

    @Test(arguments: [
        ("EXPO_OPS_PORT", "http"), ("EXPO_HTTP_PORT", "70000"), ("EXPO_LOG_LEVEL", "loud"),
        ("EXPO_AMQP_URL", "http://x"), ("EXPO_RPC_TIMEOUT_MS", "-1"), ("EXPO_POSTGRES_URL", "mysql://x/y"),
    ])
    func badSettingsNameTheirVariable(variable: String, value: String) {
        #expect {
            try ServiceConfiguration(service: .accounts, environment: [variable: value])
        } throws: { error in
            (error as? ConfigurationError)?.variable == variable
        }
    }
}
