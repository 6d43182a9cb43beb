import Foundation

/// What the services' retention sweepers removed, as staff review it (the policy's "retention"):
/// per service, when it last swept and, per rule, how many rows went.
public struct RetentionReport: Codable, Sendable, Equatable {
    public struct Rule: Codable, Sendable, Equatable {
        public var name: String
        public var removedLastRun: Int
        public var removedLast30Days: Int
        public var removedLast365Days: Int

        public init(name: String, removedLastRun: Int, removedLast30Days: Int, removedLast365Days: Int) {
            self.name = name
            self.removedLastRun = removedLastRun
            self.removedLast30Days = removedLast30Days
            self.removedLast365Days = removedLast365Days
        }
    }

    public struct Service: Codable, Sendable, Equatable {
        public var service: ServiceName
        /// Nil before its first run.
        public var lastSweptAt: Date?
        public var rules: [Rule]

        public init(service: ServiceName, lastSweptAt: Date?, rules: [Rule]) {
            self.service = service
            self.lastSweptAt = lastSweptAt
            self.rules = rules
        }
    }

    /// Every service that answered, by name.
    public var services: [Service]
    /// The services that did not answer in time: their part of the report is missing.
    public var unreachable: [ServiceName]

    public init(services: [Service], unreachable: [ServiceName]) {
        self.services = services
        self.unreachable = unreachable
    }
}

/// `GET /v1/admin/retention-report`.
public struct GetRetentionReport: RequestContract {
    public typealias Reply = RetentionReport
    public static let type: MessageType = "data-rights.get-retention-report.v1"
    public static let access = Access.role(.admin)

    public init() {}
}
