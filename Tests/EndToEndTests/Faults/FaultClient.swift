import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import TestSupport

/// A frontend under faults: it retries a request on 503, 504, 429 and lost connections with the
/// same body and Idempotency-Key, until it gets an answer or `giveUpAt`.
struct FaultClient {
    let baseURL: String
    let ledger: FaultLedger
    /// Longer than the gateway's RPC deadline: a request still open by then has hung.
    let requestTimeout: TimeInterval
    let giveUpAt: ContinuousClock.Instant

    static let retryable: Set<Int> = [429, 503, 504]

    /// One logical request, retried; nil when it never got a final answer before `giveUpAt`.
    func send(_ method: String, _ path: String, token: String? = nil, json: [String: any Sendable], key: String? = nil) async -> HTTPAnswer? {
        var backoff = Duration.milliseconds(100)
        while ContinuousClock.now < giveUpAt {
            ledger.attempted()
            do {
                let answer = try await http(method, baseURL + path, token: token, json: json,
                                            headers: key.map { ["Idempotency-Key": $0] } ?? [:], timeout: requestTimeout)
                if !Self.retryable.contains(answer.status) { return answer }
            } catch let error as URLError where error.code == .timedOut {
                ledger.hung()
            } catch {
                // The connection broke or was refused: retry like a browser would.
            }
            try? await Task.sleep(for: backoff)
            backoff = min(backoff * 2, .seconds(1))
        }
        return nil
    }

    /// Registers, signs in and corrects the profile twice, recording every acknowledgement. Each
    /// write carries an Idempotency-Key, kept across its retries, as a frontend's would.
    func journey(_ number: Int) async {
        let email = "\(uniqueName("load"))-\(number)@example.com"
        let password = "correct horse battery staple 42"
        let registration: [String: any Sendable] = [
            "email": email, "password": password, "companyName": "Load Test Machinery \(number)", "businessType": "supplier",
            "industry": "Machine tools", "country": "DE", "contactName": "Erika Muster", "telephone": "+49 30 1234567",
        ]
        guard let registered = await send("POST", "/v1/accounts", json: registration, key: UUID().uuidString) else { return }
        guard registered.status == 201, let id = registered["id"] as? String else {
            return ledger.unexpected("register \(registered.status) \(registered.code ?? "")")
        }
        ledger.registered(email, id: id)
        guard let session = await send("POST", "/v1/sessions", json: ["email": email, "password": password]) else { return }
        guard session.status == 201, let token = session["token"] as? String else {
            return ledger.unexpected("sign in \(session.status) \(session.code ?? "")")
        }
        ledger.succeeded()
        for round in 1...2 {
            let name = "Erika Muster \(round)"
            guard let patched = await send("PATCH", "/v1/me", token: token, json: ["contactName": name], key: UUID().uuidString) else { return }
            guard patched.status == 200 else { return ledger.unexpected("patch \(patched.status) \(patched.code ?? "")") }
            ledger.patched(id, contactName: name)
        }
    }
}
