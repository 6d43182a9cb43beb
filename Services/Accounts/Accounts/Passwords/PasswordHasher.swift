import CArgon2
import Foundation
import NIOPosix

/// Argon2id cost settings; the defaults are OWASP's minimum (19 MiB, 2 passes, 1 lane).
public struct Argon2Parameters: Sendable, Equatable, CustomStringConvertible {
    public var memoryKiB: UInt32
    public var iterations: UInt32
    public var parallelism: UInt32

    public static let owaspMinimum = Argon2Parameters(memoryKiB: 19 * 1024, iterations: 2, parallelism: 1)

    public init(memoryKiB: UInt32, iterations: UInt32, parallelism: UInt32 = 1) {
        self.memoryKiB = memoryKiB
        self.iterations = iterations
        self.parallelism = parallelism
    }

    /// The parameters written in a PHC string such as `$argon2id$v=19$m=19456,t=2,p=1$salt$hash`.
    init?(phc: String) {
        let fields = phc.split(separator: "$")
        guard fields.count == 5, fields[0] == "argon2id" else { return nil }
        var values: [Substring: UInt32] = [:]
        for pair in fields[2].split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let value = UInt32(parts[1]) else { return nil }
            values[parts[0]] = value
        }
        guard let m = values["m"], let t = values["t"], let p = values["p"] else { return nil }
        self.init(memoryKiB: m, iterations: t, parallelism: p)
    }

    public var description: String { "m=\(memoryKiB),t=\(iterations),p=\(parallelism)" }
}

/// Hashes and verifies passwords with argon2id (libargon2), into PHC strings with a 16-byte random
/// salt. Each call blocks for tens of milliseconds on purpose, so it runs on threads of its own,
/// never on an event loop or the cooperative pool.
public struct PasswordHasher: Sendable {
    public let parameters: Argon2Parameters

    /// Shared by every hasher of the process: as many threads as cores, since argon2 is CPU-bound.
    private static let threads: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: max(1, ProcessInfo.processInfo.activeProcessorCount))
        pool.start()
        return pool
    }()

    public init(parameters: Argon2Parameters = .owaspMinimum) {
        self.parameters = parameters
    }

    /// The PHC string of `password` with a fresh salt.
    public func hash(_ password: String) async throws -> String {
        let parameters = self.parameters
        let bytes = Array(Self.normalized(password).utf8)
        var random = SystemRandomNumberGenerator()
        let salt = (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &random) }
        return try await Self.threads.runIfActive {
            let length = argon2_encodedlen(parameters.iterations, parameters.memoryKiB, parameters.parallelism, 16, 32, Argon2_id)
            var encoded = [CChar](repeating: 0, count: length)
            let status = argon2id_hash_encoded(
                parameters.iterations, parameters.memoryKiB, parameters.parallelism, bytes, bytes.count, salt, salt.count,
                32, &encoded, length)
            guard status == ARGON2_OK.rawValue else { throw PasswordHashingError(status: status) }
            return String(decoding: encoded.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }

    /// Whether `password` matches the PHC string; false for a string that is not argon2id.
    public func verify(_ password: String, against encoded: String) async throws -> Bool {
        let bytes = Array(Self.normalized(password).utf8)
        return try await Self.threads.runIfActive {
            let status = argon2id_verify(encoded, bytes, bytes.count)
            switch status {
            case ARGON2_OK.rawValue: return true
            case ARGON2_VERIFY_MISMATCH.rawValue, ARGON2_DECODING_FAIL.rawValue, ARGON2_INCORRECT_TYPE.rawValue: return false
            default: throw PasswordHashingError(status: status)
            }
        }
    }

    /// Whether a stored hash was made with other parameters than today's, so a successful login
    /// should replace it.
    public func needsRehash(_ encoded: String) -> Bool {
        Argon2Parameters(phc: encoded) != parameters
    }

    /// The same password typed on different keyboards may arrive composed or decomposed.
    static func normalized(_ password: String) -> String { password.precomposedStringWithCanonicalMapping }
}

public struct PasswordHashingError: Error, CustomStringConvertible {
    public let status: Int32
    public var description: String { "argon2: \(String(cString: argon2_error_message(status)))" }
}
