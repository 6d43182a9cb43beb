import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// An HTTP answer as a test reads it.
public struct HTTPAnswer: Sendable {
    public let status: Int
    public let body: Data
    /// Lower-cased names.
    public let headers: [String: String]

    /// The body as a JSON object (empty if it is not one).
    public var json: [String: any Sendable] {
        ((try? JSONSerialization.jsonObject(with: body)) as? [String: any Sendable]) ?? [:]
    }

    public subscript(key: String) -> (any Sendable)? { json[key] }
    public var code: String? { json["code"] as? String }
    /// The fields a problem's `errors` name, in order.
    public var fieldErrors: [String] { ((json["errors"] as? [[String: any Sendable]]) ?? []).compactMap { $0["field"] as? String } }
}

/// A real HTTP request over a socket to the gateway; `json` is serialized, `body` sent as is.
public func http(
    _ method: String, _ url: String, token: String? = nil, json: [String: any Sendable]? = nil, body: Data? = nil,
    headers: [String: String] = [:], timeout: TimeInterval = 15
) async throws -> HTTPAnswer {
    var request = URLRequest(url: URL(string: url)!)
    request.httpMethod = method
    request.timeoutInterval = timeout
    if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
    if let json {
        request.httpBody = try JSONSerialization.data(withJSONObject: json)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
    } else if let body {
        request.httpBody = body
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
    }
    for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
    let (data, response) = try await URLSession.shared.data(for: request)
    let answer = response as! HTTPURLResponse
    var fields: [String: String] = [:]
    for (key, value) in answer.allHeaderFields { fields["\(key)".lowercased()] = "\(value)" }
    return HTTPAnswer(status: answer.statusCode, body: data, headers: fields)
}
