import Contracts
import Crypto
import Foundation
import MessageBus

/// HTTP entity tags (RFC 9110 §8.8.3) for the platform's resources: a digest of the JSON a service
/// answers for a resource. `MessageCodec` sorts keys and writes whole-second dates, so one state
/// always has one tag, whether the gateway computes it from a read's reply or the owning service
/// from the resource it has just locked for an edit.
public enum EntityTag {
    /// The strong tag of a representation: a quoted SHA-256 prefix (96 bits).
    public static func of(_ representation: Data) -> String {
        "\"" + SHA256.hash(data: representation).prefix(12).map { String(format: "%02x", $0) }.joined() + "\""
    }

    /// Whether `header` is `*` or a comma-separated list of entity tags, `"…"` or `W/"…"` with
    /// visible ASCII inside the quotes, commas included (RFC 9110 §8.8.3, §13.1.1).
    public static func isList(_ header: String) -> Bool {
        let bytes = Array(header.utf8)
        if bytes == Array("*".utf8) { return true }
        var index = 0
        func skipSpace() { while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 } }
        while true {
            skipSpace()
            if bytes[index...].starts(with: "W/".utf8) { index += 2 }
            guard index < bytes.count, bytes[index] == 0x22 else { return false }
            index += 1
            while index < bytes.count, bytes[index] != 0x22 {
                guard bytes[index] == 0x21 || (0x23...0x7E).contains(bytes[index]) else { return false }
                index += 1
            }
            guard index < bytes.count else { return false }
            index += 1
            skipSpace()
            if index == bytes.count { return true }
            guard bytes[index] == 0x2C else { return false }
            index += 1
        }
    }

    /// Whether an `If-Match` or `If-None-Match` value (a list of tags, or `*`) names `tag`. Weak tags
    /// (`W/"…"`) never match: the platform issues strong ones only.
    public static func list(_ header: String, names tag: String) -> Bool {
        header.split(separator: ",").contains { element in
            let candidate = element.trimmingCharacters(in: .whitespaces)
            return candidate == "*" || candidate == tag
        }
    }
}

extension RequestContext {
    /// Refuses, with 412 `precondition-failed`, an edit whose `If-Match` names no longer the
    /// version of `current`: the resource as the read route answers it, read in the edit's
    /// transaction after its row was locked, so no other edit can slip in between. Without
    /// `If-Match` the edit applies to whatever is current.
    public func requireIfMatch(_ current: some Encodable) throws {
        guard let ifMatch = message.ifMatch else { return }
        guard EntityTag.list(ifMatch, names: EntityTag.of(try MessageCodec.encode(current))) else { throw Problem.preconditionFailed }
    }
}
