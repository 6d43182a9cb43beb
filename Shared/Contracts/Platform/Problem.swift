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

    /// A stable, machine-readable code that clients branch on (`email-taken`, `validation-failed`,
    /// ...). Each is declared once as a static member: the platform's here, a service's in its module.
    public struct Code: RawRepresentable, Codable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public static let badRequest = Code("bad-request")
        public static let validationFailed = Code("validation-failed")
        public static let notFound = Code("not-found")
        public static let unauthorized = Code("unauthorized")
        public static let forbidden = Code("forbidden")
        public static let internalError = Code("internal-error")
        public static let unknownMessageType = Code("unknown-message-type")
        public static let deadlineExceeded = Code("deadline-exceeded")
        public static let companyNotReady = Code("company-not-ready")
        public static let preconditionFailed = Code("precondition-failed")
    }

    public var status: Int
    public var code: Code
    public var title: String
    public var detail: String?
    public var errors: [FieldError]?
    /// For a 429 or 503: when to try again, answered as `Retry-After` (not part of the document).
    public var retryAfterSeconds: Int?

    public init(
        status: Int, code: Code, title: String, detail: String? = nil, errors: [FieldError]? = nil, retryAfterSeconds: Int? = nil
    ) {
        self.status = status
        self.code = code
        self.title = title
        self.detail = detail
        self.errors = errors
        self.retryAfterSeconds = retryAfterSeconds
    }

    public var description: String { "\(status) \(code): \(detail ?? title)" }

    /// What is wrong, in one line for a report or a dead-lettered command: each field with its
    /// message ("name is required; topic ..."), else the detail, else the title.
    public var reason: String {
        errors.map { $0.map { "\($0.field) \($0.message)" }.joined(separator: "; ") } ?? detail ?? title
    }

    public static func badRequest(_ detail: String) -> Problem {
        Problem(status: 400, code: .badRequest, title: "The request is malformed", detail: detail)
    }

    public static func validationFailed(_ errors: [FieldError]) -> Problem {
        Problem(status: 422, code: .validationFailed, title: "Some fields are invalid",
                detail: errors.map { "\($0.field): \($0.message)" }.joined(separator: "; "), errors: errors)
    }

    public static func notFound(_ detail: String) -> Problem {
        Problem(status: 404, code: .notFound, title: "Not found", detail: detail)
    }

    public static func unauthorized(_ detail: String) -> Problem {
        Problem(status: 401, code: .unauthorized, title: "Authentication required", detail: detail)
    }

    public static func forbidden(_ detail: String) -> Problem {
        Problem(status: 403, code: .forbidden, title: "Not allowed", detail: detail)
    }

    /// The caller stopped waiting before the work could finish, so it was rolled back or abandoned:
    /// committing it late could overwrite what the caller's retry, or its next request, already wrote.
    public static let deadlinePassed = Problem(
        status: 504, code: .deadlineExceeded, title: "The request took longer than its deadline",
        detail: "nothing was changed; try again")

    /// The caller's registration has not reached the service yet (companies travel as events).
    public static let companyNotReady = Problem(
        status: 409, code: .companyNotReady, title: "The company is still being set up",
        detail: "the registration is on its way; try again in a moment")

    /// An edit sent with `If-Match` for a version of the resource that is no longer current:
    /// someone changed it since the caller read it, and this edit would overwrite their change.
    public static let preconditionFailed = Problem(
        status: 412, code: .preconditionFailed, title: "Someone changed this since you opened it",
        detail: "nothing was saved; reload to see the other change, then repeat your edit if it still applies")

    public static func internalError(_ detail: String) -> Problem {
        Problem(status: 500, code: .internalError, title: "Something went wrong on our side", detail: detail)
    }
}
