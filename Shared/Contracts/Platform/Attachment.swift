import Foundation

/// A reference to a file kept elsewhere (a message's or a complaint's evidence): its name, media
/// type, size and an https URL; the platform stores the reference, never fetches the file.
public struct Attachment: Codable, Sendable, Equatable {
    public var name: String
    public var contentType: String
    public var size: Int
    public var url: String

    public init(name: String, contentType: String, size: Int, url: String) {
        self.name = name
        self.contentType = contentType
        self.size = size
        self.url = url
    }
}

/// An attachment reference as a sender writes it.
public struct AttachmentFields: Codable, Sendable, Equatable {
    public var name: String?
    public var contentType: String?
    public var size: Int?
    public var url: String?

    public init(name: String?, contentType: String?, size: Int?, url: String?) {
        self.name = name
        self.contentType = contentType
        self.size = size
        self.url = url
    }
}
