import Foundation

/// How a request reached the platform: through the signed-in person's own page, or by email,
/// telephone or a scanned form that support staff entered (the policy's "rights" 2).
public enum RequestChannel: String, Codable, Sendable, CaseIterable {
    case platform, email, phone, form
}

/// The privacy policy's exceptions ("Use of Personal Data" (12)) under which the platform may not
/// act on a request: a denial must name one.
public enum DenialGround: String, Codable, Sendable, CaseIterable {
    case nationalSecurity = "national-security"
    case publicInterest = "public-interest"
    case lawEnforcement = "law-enforcement"
    case vitalInterests = "vital-interests"
    case madePublicBySubject = "made-public-by-subject"
    case lawfullyDisclosed = "lawfully-disclosed"
    case contractPerformance = "contract-performance"
    case serviceSecurity = "service-security"
    case newsReporting = "news-reporting"
    case publicInterestResearch = "public-interest-research"
    case requiredByLaw = "required-by-law"
}

/// Why staff denied a request, as its subject is shown and mailed.
public struct DataRequestDenial: Codable, Sendable, Equatable {
    public var reason: String
    public var legalGround: DenialGround

    public init(reason: String, legalGround: DenialGround) {
        self.reason = reason
        self.legalGround = legalGround
    }
}

/// `POST /v1/admin/data-requests`: support staff enter a request that arrived by email, telephone
/// or a scanned form. It stays `unverified`, its clock paused, until the subject types the code
/// mailed to the account's registered address; it expires after 7 days.
public struct EnterDataRequest: RequestContract {
    public typealias Reply = DataRequest
    public static let type: MessageType = "data-rights.enter-request.v1"
    public static let access = Access.oneOf([.support, .admin])

    public var kind: String?
    public var scope: String?
    /// The address the request names: the account registered with it is the subject.
    public var email: String?
    public var channel: String?
    /// Staff's note on how it arrived (who called, the form's reference).
    public var note: String?
    public var details: String?

    public init(kind: String?, scope: String? = nil, email: String?, channel: String?, note: String? = nil, details: String? = nil) {
        self.kind = kind
        self.scope = scope
        self.email = email
        self.channel = channel
        self.note = note
        self.details = details
    }
}

/// `POST /v1/data-requests/{id}/verification`: the subject confirms a request staff entered with
/// the mailed code. No sign-in: the code is the proof. A wrong, used-up or expired code and an
/// unknown request get the same 404.
public struct VerifyDataRequest: RequestContract {
    public typealias Reply = DataRequest
    public static let type: MessageType = "data-rights.verify-request.v1"
    public static let access = Access.anyone

    public var requestID: UUID
    public var code: String?

    public init(requestID: UUID, code: String?) {
        self.requestID = requestID
        self.code = code
    }
}

/// `POST /v1/admin/data-requests/{id}/resolution`: staff record how they corrected what a
/// rectification request said was wrong; the request completes and the subject is told.
public struct ResolveDataRequest: RequestContract {
    public typealias Reply = DataRequest
    public static let type: MessageType = "data-rights.resolve-request.v1"
    public static let access = Access.oneOf([.support, .admin])

    public var requestID: UUID
    public var resolution: String?

    public init(requestID: UUID, resolution: String?) {
        self.requestID = requestID
        self.resolution = resolution
    }
}

/// `POST /v1/admin/data-requests/{id}/denial`: staff refuse an open request under one of the
/// policy's exceptions; the subject sees and is mailed the reason.
public struct DenyDataRequest: RequestContract {
    public typealias Reply = DataRequest
    public static let type: MessageType = "data-rights.deny-request.v1"
    public static let access = Access.oneOf([.support, .admin])

    public var requestID: UUID
    public var reason: String?
    public var legalGround: String?

    public init(requestID: UUID, reason: String?, legalGround: String?) {
        self.requestID = requestID
        self.reason = reason
        self.legalGround = legalGround
    }
}
