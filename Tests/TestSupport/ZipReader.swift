import Foundation

/// The files of a zip archive as Python's zipfile reads them (an independent reader of the format),
/// after its integrity check: each name with its text and its date and time as stored.
public func readZip(_ data: Data) throws -> [String: (text: String, dateTime: [Int])] {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent(uniqueName("archive") + ".zip")
    try data.write(to: path)
    defer { try? FileManager.default.removeItem(at: path) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", """
        import json, sys, zipfile
        with zipfile.ZipFile(sys.argv[1]) as z:
            assert z.testzip() is None
            print(json.dumps({i.filename: [z.read(i).decode(), list(i.date_time)] for i in z.infolist()}))
        """, path.path]
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let bytes = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0, let files = try JSONSerialization.jsonObject(with: bytes) as? [String: [Any]] else {
        throw TestFailure("python's zipfile refused the archive")
    }
    return files.mapValues { (text: $0.first as? String ?? "", dateTime: $0.last as? [Int] ?? []) }
}
