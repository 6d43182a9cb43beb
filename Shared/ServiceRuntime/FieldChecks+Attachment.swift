import Contracts

extension FieldChecks {
    /// The most a referenced file may weigh.
    public static let maxAttachmentBytes = 100 * 1024 * 1024

    /// An attachment reference: a name, a media type such as `application/pdf`, a size from one
    /// byte to 100 MiB and an https URL, each named in its own error under `field`.
    public mutating func attachment(_ field: String, _ item: AttachmentFields) -> Attachment? {
        let name = required("\(field).name", item.name, maxLength: 200)
        let type = required("\(field).contentType", item.contentType, maxLength: 100)
        if let type, type.wholeMatch(of: /[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/) == nil {
            fail("\(field).contentType", "must be a media type such as application/pdf")
        }
        if let size = item.size, !(1...Self.maxAttachmentBytes).contains(size) {
            fail("\(field).size", "must be from 1 to \(Self.maxAttachmentBytes) bytes")
        } else if item.size == nil {
            fail("\(field).size", "is required")
        }
        let url = httpsURL("\(field).url", item.url)
        guard let name, let type, let size = item.size, let url else { return nil }
        return Attachment(name: name, contentType: type.lowercased(), size: size, url: url)
    }
}
