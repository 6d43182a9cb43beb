import Foundation
import Gateway
import ServiceRuntime
import Testing

/// The OpenAPI document states the shared field rules that clients can check before sending; the
/// services enforce `FieldChecks`. Where the document lists values, they are the same values.
@Suite struct DocumentRulesTests {
    func schemas() throws -> [String: [String: Any]] {
        let document = try JSONSerialization.jsonObject(with: try OpenAPIDocument().json) as? [String: Any]
        return try #require((document?["components"] as? [String: Any])?["schemas"] as? [String: [String: Any]])
    }

    @Test func theDocumentedCountriesAndCurrenciesAreTheOnesTheServicesTake() throws {
        let schemas = try schemas()
        #expect(Set(schemas["CountryInput"]?["enum"] as? [String] ?? []) == FieldChecks.countries)
        #expect(Set(schemas["CurrencyInput"]?["enum"] as? [String] ?? []) == FieldChecks.currencies)
    }

    @Test func theDocumentedURLPatternIsTheServicesRule() throws {
        #expect(try schemas()["HttpsURL"]?["pattern"] as? String == FieldChecks.httpsURLPattern)
    }
}
