import Foundation

/// Stops and starts the test broker through `deploy/stack broker ...`.
public enum BrokerControl {
    /// Closes every client connection and the AMQP listener; the node keeps its data.
    public static func stopApp() throws { try stack("broker", "stop-app") }
    public static func startApp() throws { try stack("broker", "start-app") }

    public static func stack(_ arguments: String...) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [TestEnvironment.stack] + arguments
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: "deploy/stack \(arguments.joined(separator: " ")) failed"])
        }
    }
}
