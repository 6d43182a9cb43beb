import Contracts
import Foundation
import Hummingbird
import ServiceRuntime

// What routes read from the URL, the same way for every service.

extension GatewayContext {
    /// The `:id` (or another) path parameter as a UUID; anything else names nothing, so it is a 404.
    func pathID(_ detail: String, parameter: String = "id") throws -> UUID {
        guard let text = parameters.get(parameter), let id = UUID(uuidString: text) else { throw Problem.notFound(detail) }
        return id
    }
}

extension Request {
    /// `?limit=&cursor=`; the service checks the range and the cursor.
    func pageRequest() throws -> PageRequest {
        let query = uri.queryParameters
        var limit: Int?
        if let text = query.get("limit") {
            guard let number = Int(text) else {
                throw Problem.validationFailed([.init(field: "limit", message: "must be a whole number from 1 to 100")])
            }
            limit = number
        }
        // An empty cursor is the first page, as if there were none.
        return PageRequest(limit: limit, cursor: query.get("cursor").flatMap { $0.isEmpty ? nil : $0 })
    }

    /// A `?name=true|false` flag: nil when absent, a `validation-failed` naming it otherwise.
    func flag(_ name: String) throws -> Bool? {
        var checks = FieldChecks()
        let value = checks.flag(name, uri.queryParameters.get(name))
        try checks.finish()
        return value
    }
}
