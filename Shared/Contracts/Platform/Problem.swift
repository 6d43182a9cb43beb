/// A failure answer, carried in RPC replies and turned by the gateway into an RFC 9457
/// `application/problem+json` response.
public struct Problem: Error, Codable, Sendable, Equatable, CustomStringConvertible {
    /// One invalid field of a request.
    public struct FieldError: Codable, Sendable, Equatable {
        public var field: String
        public var message: String
        public init(field: String, message: String) {
            self.field = field
            self.message = message
        }
    }

    public var status: Int
    /// Stable, machine-readable: clients branch on it (`email-taken`, `validation-failed`, ...).
    public var code: String
    public var title: String
    public var detail: String?
    public var errors: [FieldError]?

    public init(status: Int, code: String, title: String, detail: String? = nil, errors: [FieldError]? = nil) {
        self.status = status
        self.code = code
        self.title = title
        self.detail = detail
        self.errors = errors
    }

    public var description: String { "\(status) \(code): \(detail ?? title)" }

    public static func badRequest(_ detail: String) -> Problem {
        Problem(status: 400, code: "bad-request", title: "The request is malformed", detail: detail)
    }

    public static func validationFailed(_ errors: [FieldError]) -> Problem {
        Problem(status: 422, code: "validation-failed", title: "Some fields are invalid",
                detail: errors.map { "\($0.field): \($0.message)" }.joined(separator: "; "), errors: errors)
    }

    public static func notFound(_ detail: String) -> Problem {
        Problem(status: 404, code: "not-found", title: "Not found", detail: detail)
    }

    public static func unauthorized(_ detail: String) -> Problem {
        Problem(status: 401, code: "unauthorized", title: "Authentication required", detail: detail)
    }

    public static func forbidden(_ detail: String) -> Problem {
        Problem(status: 403, code: "forbidden", title: "Not allowed", detail: detail)
    }

    public static func internalError(_ detail: String) -> Problem {
        Problem(status: 500, code: "internal-error", title: "Something went wrong on our side", detail: detail)
    }
}
