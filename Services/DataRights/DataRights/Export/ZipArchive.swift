import Foundation

/// A zip archive of stored (uncompressed) files, as every unzip tool reads them (PKWARE APPNOTE
/// 4.3: local headers, the data, a central directory). Exports are small JSON documents; storing
/// them keeps this writer short and needs no compression library.
struct ZipArchive {
    private var body = Data()
    private var directory = Data()
    private var count: UInt16 = 0

    /// Adds `data` as `name` (ASCII or UTF-8, flagged as such), dated `date`.
    mutating func add(_ name: String, _ data: Data, date: Date) {
        let nameBytes = Data(name.utf8)
        let crc = CRC32.checksum(data)
        let (time, day) = Self.dosTimestamp(date)
        let offset = UInt32(body.count)
        var local = Data()
        local.append(le32: 0x0403_4b50)
        local.append(le16: 20); local.append(le16: 0x0800); local.append(le16: 0)  // version, UTF-8 names, stored
        local.append(le16: time); local.append(le16: day)
        local.append(le32: crc); local.append(le32: UInt32(data.count)); local.append(le32: UInt32(data.count))
        local.append(le16: UInt16(nameBytes.count)); local.append(le16: 0)
        body.append(local); body.append(nameBytes); body.append(data)

        directory.append(le32: 0x0201_4b50)
        directory.append(le16: 20); directory.append(le16: 20); directory.append(le16: 0x0800); directory.append(le16: 0)
        directory.append(le16: time); directory.append(le16: day)
        directory.append(le32: crc); directory.append(le32: UInt32(data.count)); directory.append(le32: UInt32(data.count))
        directory.append(le16: UInt16(nameBytes.count)); directory.append(le16: 0); directory.append(le16: 0)
        directory.append(le16: 0); directory.append(le16: 0); directory.append(le32: 0); directory.append(le32: offset)
        directory.append(nameBytes)
        count += 1
    }

    /// The whole archive.
    var data: Data {
        var end = Data()
        end.append(le32: 0x0605_4b50)
        end.append(le16: 0); end.append(le16: 0); end.append(le16: count); end.append(le16: count)
        end.append(le32: UInt32(directory.count)); end.append(le32: UInt32(body.count)); end.append(le16: 0)
        return body + directory + end
    }

    private static func dosTimestamp(_ date: Date) -> (time: UInt16, day: UInt16) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let time = UInt16((parts.hour ?? 0) << 11 | (parts.minute ?? 0) << 5 | (parts.second ?? 0) / 2)
        let day = UInt16(max(0, (parts.year ?? 1980) - 1980) << 9 | (parts.month ?? 1) << 5 | (parts.day ?? 1))
        return (time, day)
    }
}

/// CRC-32 (IEEE 802.3, reflected 0xEDB88320), which zip records for every file.
enum CRC32 {
    private static let table: [UInt32] = (0..<256).map { index in
        (0..<8).reduce(UInt32(index)) { crc, _ in crc & 1 == 1 ? 0xEDB8_8320 ^ (crc >> 1) : crc >> 1 }
    }

    static func checksum(_ data: Data) -> UInt32 {
        ~data.reduce(~UInt32(0)) { crc, byte in table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
    }
}

extension Data {
    fileprivate mutating func append(le16 value: UInt16) { Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) } }
    fileprivate mutating func append(le32 value: UInt32) { Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) } }
}
