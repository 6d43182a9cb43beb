import AMQPTransport
import Contracts
import Foundation
import Hummingbird
import MessageBus
import NIOCore
import NIOHTTP1

/// Turns every failure into an RFC 9457 `application/problem+json` answer with a stable `code`:
/// a service's problem as it is, no broker as 503, a missed deadline as 504, and anything
/// unexpected as a 500 that says nothing about the internals.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = GatewayContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let problem = Self.problem(for: error)
            if problem.status >= 500 {
                context.logger.error("request failed", metadata: ["status": "\(problem.status)", "error": "\(String(reflecting: error))"])
            }
            var response = Self.response(problem, instance: request.uri.path)
            if let seconds = problem.retryAfterSeconds { response.headers[.retryAfter] = "\(seconds)" }
            if problem.status == 503, problem.retryAfterSeconds == nil { response.headers[.retryAfter] = "1" }
            // The stream is out of step after a framing error: nothing more can be read from it.
            if error is HTTPParserError { response.headers[.connection] = "close" }
            if let limited = error as? RateLimitExceeded { response.headers[.retryAfter] = "\(limited.retryAfterSeconds)" }
            if let wrongMethod = error as? MethodNotAllowed { response.headers[.allow] = wrongMethod.allowed.joined(separator: ", ") }
            return response
        }
    }

    static func problem(for error: any Error) -> Problem {
        switch error {
        case let problem as Problem:
            return problem
        case let wrongMethod as MethodNotAllowed:
            return Problem(status: 405, code: .methodNotAllowed, title: "Method not allowed",
                           detail: "this path answers \(wrongMethod.allowed.joined(separator: ", "))")
        case let limited as RateLimitExceeded:
            return Problem(status: 429, code: .rateLimited, title: "Too many requests",
                           detail: "the \(limited.scope) rate limit is used up; retry after \(limited.retryAfterSeconds) s")
        case let error as AMQPError where error.code == .rpcTimeout:
            return Problem(status: 504, code: .serviceTimeout, title: "The service did not answer in time",
                           detail: "try again; the request may or may not have taken effect")
        case is AMQPError:
            return Problem(status: 503, code: .brokerUnavailable, title: "The platform is temporarily unavailable",
                           detail: "the message broker cannot be reached; try again shortly")
        case let error as HTTPError:
            return problem(for: error)
        case is NIOTooManyBytesError:
            // A chunked body that ran over while it was read.
            return Problem.bodyTooLarge(nil)
        case is HTTPParserError:
            return Problem.badRequest("the request's framing is malformed (a chunk size, a length or a header)")
        case let error as DecodingError:
            return Problem.badRequest(IncomingMessage.describe(error))
        default:
            return Problem.internalError("the request could not be completed")
        }
    }

    private static func problem(for error: HTTPError) -> Problem {
        switch error.status {
        case .contentTooLarge:
            Problem.bodyTooLarge(nil)
        case .notFound:
            Problem(status: 404, code: .notFound, title: "Not found", detail: error.body ?? "no such resource")
        case .methodNotAllowed:
            Problem(status: 405, code: .methodNotAllowed, title: "Method not allowed", detail: error.body)
        case .badRequest:
            Problem.badRequest(error.body ?? "the request is malformed")
        default:
            Problem(status: Int(error.status.code), code: Problem.Code("http-\(error.status.code)"), title: error.status.reasonPhrase, detail: error.body)
        }
    }

    static func response(_ problem: Problem, instance: String) -> Response {
        Response(
            status: .init(code: problem.status), headers: [.contentType: "application/problem+json"],
            body: .init(byteBuffer: ByteBuffer(bytes: document(problem, instance: instance))))
    }

    /// The RFC 9457 document of `problem`.
    static func document(_ problem: Problem, instance: String) -> Data {
        struct Body: Encodable {
            let type = "about:blank"
            let problem: Problem
            let instance: String
            enum CodingKeys: String, CodingKey { case type, status, code, title, detail, errors, instance }
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(type, forKey: .type)
                try container.encode(problem.status, forKey: .status)
                try container.encode(problem.code, forKey: .code)
                try container.encode(problem.title, forKey: .title)
                try container.encodeIfPresent(problem.detail, forKey: .detail)
                try container.encodeIfPresent(problem.errors, forKey: .errors)
                try container.encode(instance, forKey: .instance)
            }
        }
        return (try? MessageCodec.encode(Body(problem: problem, instance: instance))) ?? Data()
    }
}

extension Problem.Code {
    static let bodyTooLarge = Problem.Code("body-too-large")
    static let methodNotAllowed = Problem.Code("method-not-allowed")
    static let rateLimited = Problem.Code("rate-limited")
    static let serviceTimeout = Problem.Code("service-timeout")
    static let brokerUnavailable = Problem.Code("broker-unavailable")
    static let upgradeRequired = Problem.Code("upgrade-required")
    static let transferCodingNotImplemented = Problem.Code("transfer-coding-not-implemented")
    static let unsupportedMediaType = Problem.Code("unsupported-media-type")
}
