import Contracts
import Foundation
@testable import Marketing
import ServiceRuntime
import Testing
import TestSupport
import _CryptoExtras

/// DKIM signatures as a receiver checks them: mails sent through the real sink with a key from
/// the environment, verified by an independent implementation (dkimpy) against the DNS record
/// the operator publishes.
@Suite(.integration) struct DKIMTests {
    /// Runs dkimpy's verifier on the stored mail with `record` as the selector's DNS answer.
    static func verifies(_ file: String, record: String) throws -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestEnvironment.python)
        process.arguments = ["-c", """
            import dkim, sys
            message = open(sys.argv[1], 'rb').read()
            print(dkim.verify(message, dnsfunc=lambda name, timeout=5: sys.argv[2].encode()))
            """, TestEnvironment.mailSinkFolder + "/" + file, record]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        process.waitUntilExit()
        return String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) == "True"
    }

    @Test func everyMailIsSignedSoThatAReceiverVerifiesItAndNoticesAChange() async throws {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent(uniqueName("dkim") + ".pem")
        try key.pkcs8PEMRepresentation.write(to: keyFile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: keyFile) }
        let environment = ["EXPO_DKIM_SELECTOR": "expo2026", "EXPO_DKIM_PRIVATE_KEY_FILE": keyFile.path]
        try await MarketingHarness.with(environment: environment) { harness in
            let address = uniqueAddress("signed")
            let person = try await harness.person(email: address, name: "Zoë  Ünal")
            try await harness.remind(person)
            #expect(try await harness.trigger(CampaignTests.newsletter()) == .ack)
            try await harness.runCampaigns()
            let mails = try await MailSink.waitForMails(to: address, count: 2)
            #expect(mails.count == 2)
            let record = try #require(harness.sender.relay.settings.dkim?.dnsRecord)
            #expect(record == "v=DKIM1; k=rsa; p=\(key.publicKey.derRepresentation.base64EncodedString())")
            for mail in mails {
                let signature = try #require(mail.header("DKIM-Signature"))
                #expect(signature.contains("d=expo.example;") && signature.contains("s=expo2026;"))
                #expect(try Self.verifies(mail.file, record: record), "\(mail.header("Subject") ?? "")")
            }
            let campaignMail = try #require(mails.first { $0.header("List-Unsubscribe") != nil })
            #expect(campaignMail.header("DKIM-Signature")?.contains("list-unsubscribe:list-unsubscribe-post") == true,
                    "the one-click pair is signed")

            // A changed subject, or a key the domain does not publish, fails verification.
            let path = TestEnvironment.mailSinkFolder + "/" + campaignMail.file
            let tampered = uniqueName("tampered") + ".eml"
            let original = try String(contentsOfFile: path, encoding: .utf8)
            let changed = original.replacingOccurrences(of: "\r\nSubject: ", with: "\r\nSubject: Re: ")
            #expect(changed != original)
            try changed.write(toFile: TestEnvironment.mailSinkFolder + "/" + tampered, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: TestEnvironment.mailSinkFolder + "/" + tampered) }
            #expect(try !Self.verifies(tampered, record: record))
            let stranger = try _RSA.Signing.PrivateKey(keySize: .bits2048)
            #expect(try !Self.verifies(campaignMail.file, record: "v=DKIM1; k=rsa; p=\(stranger.publicKey.derRepresentation.base64EncodedString())"))
        }
    }

    @Test func aBadKeySettingStopsTheServiceAtStart() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(uniqueName("not-a-key") + ".pem")
        try "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        for (values, variable) in [
            (["EXPO_DKIM_SELECTOR": "expo2026"], "EXPO_DKIM_SELECTOR"),
            (["EXPO_DKIM_SELECTOR": "expo2026", "EXPO_DKIM_PRIVATE_KEY_FILE": "/nonexistent/key.pem"], "EXPO_DKIM_PRIVATE_KEY_FILE"),
            (["EXPO_DKIM_SELECTOR": "expo2026", "EXPO_DKIM_PRIVATE_KEY_FILE": file.path], "EXPO_DKIM_PRIVATE_KEY_FILE"),
            (["EXPO_DKIM_SELECTOR": "bad selector", "EXPO_DKIM_PRIVATE_KEY_FILE": file.path], "EXPO_DKIM_SELECTOR"),
        ] {
            let error = #expect(throws: ConfigurationError.self) { _ = try MailSettings(environment: Environment(values: values)) }
            #expect(error?.variable == variable, "\(values)")
        }
    }
}
