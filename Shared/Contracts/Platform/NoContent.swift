/// A reply with no content (the gateway answers 204).
public struct NoContent: Codable, Sendable, Equatable {
    public init() {}
}
