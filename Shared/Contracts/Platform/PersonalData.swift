import Foundation

// What the data-rights service asks of every backend that holds personal data, about one person.
// Each backend answers these on its own queue as `<service>.<operation>.v1`; the gateway has no
// route to them. Every one may be repeated: a repeated task changes nothing more.

/// The four things a backend does for one data subject.
public enum PersonalDataOperation: String, CaseIterable, Sendable {
    case export = "export-personal-data"
    case erase = "erase-personal-data"
    case restrict = "restrict-processing"
    case object = "record-objection"
    /// What the service's retention sweeper removed lately (the staff's retention report); about no one.
    case reportRetention = "report-retention"

    public func type(of service: ServiceName) -> MessageType { MessageType("\(service.rawValue).\(rawValue).v1") }
}

/// What a request about one person carries: which person, and which data-subject request it serves.
public struct DataSubjectTask: Codable, Sendable, Equatable {
    public var requestID: UUID
    /// The person: the account they sign in with.
    public var accountID: UUID

    public init(requestID: UUID, accountID: UUID) {
        self.requestID = requestID
        self.accountID = accountID
    }
}

/// One kind of data a service holds about a person, as an export's manifest names it.
public struct PersonalDataCategory: Codable, Sendable, Equatable {
    public var name: String
    public var purpose: String
    public var legalBasis: String
    public var retention: String

    public init(name: String, purpose: String, legalBasis: String, retention: String) {
        self.name = name
        self.purpose = purpose
        self.legalBasis = legalBasis
        self.retention = retention
    }
}

/// `export-personal-data`: one chunk of the service's part of an access or portability request.
/// A part can outgrow a message (the platform's cap is 4 MiB), so it travels in chunks: the
/// service stages the part once per request, and every chunk is cut from that one copy.
public struct ExportPersonalData: Codable, Sendable, Equatable {
    public var task: DataSubjectTask
    public var chunk: Int

    public init(task: DataSubjectTask, chunk: Int) {
        self.task = task
        self.chunk = chunk
    }
}

/// One chunk of a `PersonalDataExport`'s JSON: `chunk` of `chunks`, in order.
public struct PersonalDataExportChunk: Codable, Sendable, Equatable {
    public var chunk: Int
    public var chunks: Int
    public var data: Data

    /// Raw bytes per chunk: base64 in a JSON reply makes 2 MiB about 2.7 MiB, well under the cap.
    public static let maxBytes = 2 << 20

    public init(chunk: Int, chunks: Int, data: Data) {
        self.chunk = chunk
        self.chunks = chunks
        self.data = data
    }

    /// How many chunks `length` bytes make, at least one.
    public static func count(ofBytes length: Int) -> Int {
        max(1, (length + maxBytes - 1) / maxBytes)
    }

    /// A service's whole part: asks for chunk 0, then for every further one it announces.
    public static func assemble(_ fetch: (Int) async throws -> PersonalDataExportChunk) async throws -> Data {
        let first = try await fetch(0)
        var body = first.data
        for index in 1..<max(first.chunks, 1) {
            let next = try await fetch(index)
            guard next.chunk == index, next.chunks == first.chunks else {
                throw Problem.internalError("export chunk \(index) of \(first.chunks) came back as \(next.chunk) of \(next.chunks)")
            }
            body.append(next.data)
        }
        return body
    }
}

/// One service's part of an access or portability request.
public struct PersonalDataExport: Codable, Sendable, Equatable {
    public var service: ServiceName
    public var accountID: UUID
    public var generatedAt: Date
    public var categories: [PersonalDataCategory]
    /// The data itself, as the service's JSON document (machine-readable for portability).
    public var document: String
    public var restriction: ProcessingRestriction
    public var objections: [ObjectionScope]

    public init(
        service: ServiceName, accountID: UUID, generatedAt: Date, categories: [PersonalDataCategory], document: String,
        restriction: ProcessingRestriction, objections: [ObjectionScope]
    ) {
        self.service = service
        self.accountID = accountID
        self.generatedAt = generatedAt
        self.categories = categories
        self.document = document
        self.restriction = restriction
        self.objections = objections
    }
}

/// A service's answer to an erasure or cancellation: done, or postponed with the reason (a legal
/// hold, an obligation that still needs the data), which the user is shown.
public struct ErasureOutcome: Codable, Sendable, Equatable {
    public enum State: String, Codable, Sendable { case done, postponed }

    public var service: ServiceName
    public var state: State
    public var reason: String?

    public init(service: ServiceName, state: State, reason: String? = nil) {
        self.service = service
        self.state = state
        self.reason = reason
    }
}

/// `restrict-processing`: restrict (`restricted: true`) or lift the restriction.
public struct RestrictProcessing: Codable, Sendable, Equatable {
    public var task: DataSubjectTask
    public var restricted: Bool

    public init(task: DataSubjectTask, restricted: Bool) {
        self.task = task
        self.restricted = restricted
    }
}

/// Whether a person's data is held but not otherwise processed, and since when.
public struct ProcessingRestriction: Codable, Sendable, Equatable {
    public var restricted: Bool
    public var since: Date?

    public init(restricted: Bool, since: Date? = nil) {
        self.restricted = restricted
        self.since = since
    }
}

/// What a person objects to, each honoured separately.
public enum ObjectionScope: String, Codable, Sendable, CaseIterable {
    case directMarketing = "direct-marketing"
    case profiling
    case legitimateInterest = "legitimate-interest"
}

/// `record-objection`: record an objection, or take it back (`withdrawn: true`).
public struct RecordObjection: Codable, Sendable, Equatable {
    public var task: DataSubjectTask
    public var scope: ObjectionScope
    public var withdrawn: Bool

    public init(task: DataSubjectTask, scope: ObjectionScope, withdrawn: Bool = false) {
        self.task = task
        self.scope = scope
        self.withdrawn = withdrawn
    }
}

/// The objections a service holds for a person after the change.
public struct Objections: Codable, Sendable, Equatable {
    public var scopes: [ObjectionScope]

    public init(scopes: [ObjectionScope]) { self.scopes = scopes }
}
