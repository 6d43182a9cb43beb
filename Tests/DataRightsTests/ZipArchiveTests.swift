@testable import DataRights
import Foundation
import Testing
import TestSupport

/// The export's zip writer, checked by an independent reader (Python's zipfile) and by the CRC-32
/// of a known input.
@Suite struct ZipArchiveTests {
    @Test func theCRCIsTheStandardOne() {
        #expect(CRC32.checksum(Data("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum(Data()) == 0)
    }

    @Test func pythonsZipfileReadsEveryFileBack() throws {
        var archive = ZipArchive()
        let files = ["manifest.json": "{\"parts\":[]}", "accounts.json": "{\"contactName\":\"Zoë Müller\"}", "empty.json": ""]
        for (name, text) in files.sorted(by: { $0.key < $1.key }) { archive.add(name, Data(text.utf8), date: Date(timeIntervalSince1970: 1_796_601_600)) }
        let read = try readZip(archive.data)
        #expect(Set(read.keys) == Set(files.keys))
        for (name, text) in files { #expect(read[name]?.text == text) }
        #expect(read["manifest.json"]?.dateTime == [2026, 12, 7, 0, 0, 0], "dated in UTC")
    }
}
