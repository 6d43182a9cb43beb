@testable import Accounts
import Contracts
import Foundation
import Testing
import TestSupport

@Suite(.integration) struct SessionTests {
    @Test func signingInGivesAnOpaqueTokenOfWhichOnlyTheHashIsStored() async throws {
        try await AccountsHarness.with { harness in
            let account = try await harness.register()
            let session = try await harness.signIn(account.email.uppercased())
            #expect(session.account.id == account.id)
            #expect(session.token.utf8.count == 43, "256 random bits, base64url")
            #expect(session.expiresAt > Date().addingTimeInterval(11 * 3600))
            let stored = try await harness.count("""
                SELECT count(*) FROM sessions WHERE token_hash = sha256(convert_to(\(session.token), 'UTF8'))
                  AND position(convert_to(\(session.token), 'UTF8') in token_hash) = 0
                """)
            #expect(stored == 1)
            let authenticated = try await harness.authenticate(session.token)
            #expect(authenticated.accountID == account.id)
            #expect(authenticated.sessionID == session.sessionID)

            let second = try await harness.signIn(account.email)
            #expect(second.token != session.token)
        }
    }

    @Test func unknownEmailAndWrongPasswordGetTheSameAnswerInSimilarTime() async throws {
        try await AccountsHarness.with { harness in
            let account = try await harness.register()
            var unknown: [Duration] = []
            var wrong: [Duration] = []
            for round in 0..<5 {
                let clock = ContinuousClock()
                var answers: [Problem?] = []
                unknown.append(try await clock.measure {
                    answers.append(try await problem { try await harness.signIn("nobody-\(round)@example.com") })
                })
                wrong.append(try await clock.measure {
                    answers.append(try await problem { try await harness.signIn(account.email, "wrong password \(round)") })
                })
                #expect(answers[0] == answers[1], "the same problem for both")
                #expect(answers[0]?.code == .invalidCredentials)
                // Keep below the lockout threshold of 3.
                if round % 2 == 1 { _ = try await harness.signIn(account.email) }
            }
            let median = { (values: [Duration]) in values.sorted()[values.count / 2] }
            let ratio = median(unknown) / median(wrong)
            // Without the decoy hash an unknown email answers ~50 times faster; scheduling noise
            // on a loaded machine stays well inside this band.
            #expect(ratio > 0.3 && ratio < 3, "unknown \(median(unknown)) vs wrong \(median(wrong))")
        }
    }

    @Test func repeatedFailuresHoldThatEmailAtThatAddressWhileTheOwnerElsewhereSignsIn() async throws {
        try await AccountsHarness.with { harness in
            let account = try await harness.register()
            for attempt in 1...3 {
                let failed = try await problem { try await harness.signIn(account.email, "wrong password \(attempt)", ip: "198.51.100.9") }
                #expect(failed?.code == .invalidCredentials)
            }
            let locked = try await problem { try await harness.signIn(account.email, ip: "198.51.100.9") }
            #expect(locked?.status == 423, "the guessing address waits, even with the right password")
            #expect(locked?.code == .accountLocked)
            // The owner, elsewhere, is not locked out by a stranger.
            let owner = try await harness.actor(try await harness.signIn(account.email, ip: "203.0.113.7"))

            try await Task.sleep(for: .milliseconds(2200))
            _ = try await harness.signIn(account.email, ip: "198.51.100.9")
            let logins = try await harness.handlers.listLogins(ListLogins(), harness.context(ListLogins.type, actor: owner))
            #expect(logins.items.map(\.outcome) == [.succeeded, .succeeded, .accountLocked, .invalidCredentials, .invalidCredentials, .invalidCredentials])
            #expect(logins.items.last?.ip == "198.51.100.9")
            #expect(logins.items.first?.userAgent == "Tests/1.0")

            // The count starts afresh after a successful sign-in.
            for attempt in 1...2 { _ = try await problem { try await harness.signIn(account.email, "wrong again \(attempt)", ip: "198.51.100.9") } }
            _ = try await harness.signIn(account.email, ip: "198.51.100.9")
        }
    }

    @Test func anUnknownEmailLocksExactlyLikeAKnownOne() async throws {
        try await AccountsHarness.with { harness in
            let account = try await harness.register()
            // The answers, without the time a wait ends (which is each one's own).
            var answers: [[String]] = []
            for email in [account.email, "nobody-\(UUID().uuidString.prefix(8))@example.com"] {
                var these: [String] = []
                for attempt in 1...4 {
                    let answer = try await problem { try await harness.signIn(email, "guess \(attempt)", ip: "198.51.100.30") }
                    these.append("\(answer?.status ?? 0) \(answer?.code.rawValue ?? "") \(answer?.title ?? "")")
                }
                answers.append(these)
            }
            #expect(answers[0] == answers[1], "nothing tells a registered email from an unknown one")
            #expect(answers[0].map { $0.prefix(3) } == ["401", "401", "401", "423"])
        }
    }

    @Test func waitsGrowWithEveryFurtherRoundOfFailures() async throws {
        try await AccountsHarness.with(AccountsSettings(lockoutThreshold: 2, lockoutDuration: .seconds(3), failuresPerAddress: 0)) { harness in
            let account = try await harness.register()
            func guess() async throws -> Problem? { try await problem { try await harness.signIn(account.email, "guess", ip: "198.51.100.31") } }
            for _ in 1...2 { _ = try await guess() }
            #expect(try await guess()?.status == 423)
            // Past the threshold every further failure waits again, and the wait doubles with every
            // threshold's worth of failures: three seconds after the third, six after the fourth.
            try await Task.sleep(for: .milliseconds(3500))
            #expect(try await guess()?.status == 401)
            #expect(try await guess()?.status == 423)
            try await Task.sleep(for: .milliseconds(3500))
            #expect(try await guess()?.status == 401)
            #expect(try await guess()?.status == 423)
            try await Task.sleep(for: .milliseconds(3500))
            #expect(try await guess()?.status == 423, "still waiting after the first wait's length")
            try await Task.sleep(for: .milliseconds(3000))
            _ = try await harness.signIn(account.email, ip: "198.51.100.31")
        }
    }

    @Test func guessesFromManyAddressesHoldNewAddressesButNotOnesTheOwnerUsed() async throws {
        try await AccountsHarness.with(AccountsSettings(lockoutThreshold: 2, lockoutDuration: .seconds(30), failuresPerAddress: 0)) { harness in
            let account = try await harness.register()
            _ = try await harness.signIn(account.email, ip: "198.51.100.40")  // the owner's office
            for index in 1...8 { _ = try await problem { try await harness.signIn(account.email, "guess", ip: "203.0.113.\(100 + index)") } }
            let fresh = try await problem { try await harness.signIn(account.email, ip: "203.0.113.200") }
            #expect(fresh?.status == 423, "an address the account never used waits once guesses come from everywhere")
            _ = try await harness.signIn(account.email, ip: "198.51.100.40")
        }
    }

    @Test func wrongCurrentPasswordsThroughASessionCountTowardsTheLockAndAreShown() async throws {
        try await AccountsHarness.with { harness in
            let account = try await harness.register()
            let session = try await harness.signIn(account.email, ip: "198.51.100.20", userAgent: "Stolen/1.0")
            let actor = try await harness.actor(session)
            let guesses = [
                try await problem { try await harness.send(ChangePassword(currentPassword: "guess one", newPassword: "another long password 1"), actor: actor) },
                try await problem { try await harness.send(UpdateMe(email: "thief@example.com", currentPassword: "guess two"), actor: actor) },
                try await problem { try await harness.send(VerifyPassword(password: "guess three"), actor: actor) },
            ]
            #expect(guesses.map { $0?.code } == [.wrongPassword, .wrongPassword, .wrongPassword])
            // The third wrong password locked the account's password checks: even the right one waits.
            let locked = try await problem {
                try await harness.send(ChangePassword(currentPassword: AccountsHarness.password, newPassword: "another long password 2"), actor: actor)
            }
            #expect(locked?.status == 423)
            #expect(try await harness.send(GetMe(), actor: actor).email == account.email, "nothing was changed")

            // The owner can still sign in, and then change the password.
            let owner = try await harness.actor(try await harness.signIn(account.email))
            let logins = try await harness.send(ListLogins(), actor: owner).items
            #expect(logins.map(\.check) == [.signIn, .currentPassword, .currentPassword, .currentPassword, .currentPassword, .signIn])
            #expect(logins.map(\.outcome) == [.succeeded, .accountLocked, .invalidCredentials, .invalidCredentials,
                                               .invalidCredentials, .succeeded])
            #expect(logins.filter { $0.check == .currentPassword }.allSatisfy { $0.ip == "198.51.100.20" && $0.userAgent == "Stolen/1.0" },
                    "a guess names the session it came through")
        }
    }

    @Test func anAddressWithManyFailedSignInsWaitsWhileOthersAndSuccessesDoNot() async throws {
        try await AccountsHarness.with(AccountsSettings(lockoutThreshold: 100, failuresPerAddress: 3, failureWindow: .seconds(8))) { harness in
            let account = try await harness.register()
            // A company behind one address: successes never count.
            for _ in 0..<5 { _ = try await harness.signIn(account.email, ip: "198.51.100.50") }
            // Guessing from another address, at unknown and known emails alike.
            let guesses = [
                try await problem { try await harness.signIn("nobody@example.com", "guess 1", ip: "203.0.113.66") },
                try await problem { try await harness.signIn(account.email, "guess 2", ip: "203.0.113.66") },
                try await problem { try await harness.signIn("someone@example.com", "guess 3", ip: "203.0.113.66") },
            ]
            #expect(guesses.map { $0?.code } == [.invalidCredentials, .invalidCredentials, .invalidCredentials])
            let throttled = try await problem { try await harness.signIn(account.email, ip: "203.0.113.66") }
            #expect(throttled?.status == 429, "even the right password waits at that address")
            #expect(throttled?.code == .tooManyFailedSignIns)
            #expect((1...8).contains(throttled?.retryAfterSeconds ?? 0), "it says when to try again")
            _ = try await harness.signIn(account.email, ip: "198.51.100.50")  // the company's address is unaffected

            try await Task.sleep(for: .milliseconds(8500))
            _ = try await harness.signIn(account.email, ip: "203.0.113.66")
        }
    }

    @Test func aLoginWithNewParametersRehashesThePassword() async throws {
        try await AccountsHarness.with { harness in
            let account = try await harness.register()
            let stronger = try harness.with(AccountsSettings(argon2: Argon2Parameters(memoryKiB: 19 * 1024, iterations: 3)))
            _ = try await stronger.signIn(account.email)
            let hash = try await harness.database.transaction { connection in
                try await connection.query("SELECT password_hash FROM accounts WHERE id = \(account.id)", logger: harness.logger)
                    .decode(String.self).reduce(into: "") { $0 = $1 }
            }
            #expect(hash.contains("$m=19456,t=3,p=1$"))
            _ = try await stronger.signIn(account.email)
            _ = try await harness.signIn(account.email)
        }
    }

    @Test func sessionsEndWhenIdleAndAtTheirAbsoluteExpiry() async throws {
        try await AccountsHarness.with { harness in
            let account = try await harness.register()
            let idle = try harness.with(AccountsSettings(sessionIdleTimeout: .seconds(1)))
            let short = try harness.with(AccountsSettings(sessionLifetime: .seconds(1)))
            let idleSession = try await idle.signIn(account.email)
            let shortSession = try await short.signIn(account.email)
            _ = try await idle.authenticate(idleSession.token)
            _ = try await short.authenticate(shortSession.token)
            try await Task.sleep(for: .milliseconds(1500))
            let answer105 = try await problem { try await idle.authenticate(idleSession.token) }
            #expect(answer105?.status == 401)
            let answer106 = try await problem { try await harness.authenticate(shortSession.token) }
            #expect(answer106?.status == 401)
            let answer107 = try await problem { try await harness.authenticate("not-a-token") }
            #expect(answer107?.status == 401)
        }
    }

    @Test func signingOutRevokesTheTokenAtOnceAndAnnouncesIt() async throws {
        try await AccountsHarness.with { harness in
            let account = try await harness.register()
            let session = try await harness.signIn(account.email)
            let actor = try await harness.actor(session)
            _ = try await harness.handlers.endSession(EndSession(sessionID: nil), harness.context(EndSession.type, actor: actor))
            let answer117 = try await problem { try await harness.authenticate(session.token) }
            #expect(answer117?.status == 401)
            let revoked = try await harness.events(SessionRevoked.self)
            #expect(revoked.map(\.sessionID) == [session.sessionID])
            #expect(revoked.first?.reason == .logout)
            let again = try await problem {
                try await harness.handlers.endSession(EndSession(sessionID: nil), harness.context(EndSession.type, actor: actor))
            }
            #expect(again?.status == 404)
        }
    }

    @Test func usersListAndEndOnlyTheirOwnSessions() async throws {
        try await AccountsHarness.with { harness in
            let first = try await harness.register()
            let second = try await harness.register()
            let phone = try await harness.signIn(first.email, userAgent: "Phone")
            let laptop = try await harness.signIn(first.email, userAgent: "Laptop")
            let other = try await harness.signIn(second.email)
            let actor = try await harness.actor(laptop)
            let otherActor = try await harness.actor(other)

            let sessions = try await harness.handlers.listSessions(ListSessions(), harness.context(ListSessions.type, actor: actor))
            #expect(Set(sessions.items.map(\.id)) == [phone.sessionID, laptop.sessionID])
            #expect(sessions.items.first { $0.current }?.userAgent == "Laptop")

            let theirs = try await harness.handlers.listSessions(ListSessions(), harness.context(ListSessions.type, actor: otherActor))
            #expect(theirs.items.map(\.id) == [other.sessionID])
            let stolen = try await problem {
                try await harness.handlers.endSession(EndSession(sessionID: phone.sessionID), harness.context(EndSession.type, actor: otherActor))
            }
            #expect(stolen?.status == 404, "another user's session is not found, not forbidden")
            _ = try await harness.authenticate(phone.token)

            _ = try await harness.handlers.endSession(EndSession(sessionID: phone.sessionID), harness.context(EndSession.type, actor: actor))
            let answer151 = try await problem { try await harness.authenticate(phone.token) }
            #expect(answer151?.status == 401)
            #expect(try await harness.events(SessionRevoked.self).first?.reason == .endedByUser)
        }
    }

    @Test func changingThePasswordEndsEveryOtherSession() async throws {
        try await AccountsHarness.with { harness in
            let account = try await harness.register()
            let other = try await harness.signIn(account.email)
            let current = try await harness.signIn(account.email)
            let actor = try await harness.actor(current)
            let context = harness.context(ChangePassword.type, actor: actor)
            let newPassword = "a much longer new passphrase 7"

            let wrong = try await problem {
                try await harness.handlers.changePassword(ChangePassword(currentPassword: "not my password", newPassword: newPassword), context)
            }
            #expect(wrong?.status == 403 && wrong?.errors?.first?.field == "currentPassword")
            let weak = try await problem {
                try await harness.handlers.changePassword(ChangePassword(currentPassword: AccountsHarness.password, newPassword: "1qaz2wsx3edc"), context)
            }
            #expect(weak?.errors?.first?.field == "newPassword")
            _ = try await harness.authenticate(other.token)

            _ = try await harness.handlers.changePassword(ChangePassword(currentPassword: AccountsHarness.password, newPassword: newPassword), context)
            let answer176 = try await problem { try await harness.authenticate(other.token) }
            #expect(answer176?.status == 401)
            _ = try await harness.authenticate(current.token)
            let answer178 = try await problem { try await harness.signIn(account.email) }
            #expect(answer178?.code == .invalidCredentials)
            _ = try await harness.signIn(account.email, newPassword)
            #expect(try await harness.events(SessionRevoked.self).map(\.sessionID) == [other.sessionID])
            #expect(try await harness.events(PasswordChanged.self).first?.endedSessions == 1)
        }
    }

    @Test func loginRecordsPageWithACursorAndNothingIsSkipped() async throws {
        try await AccountsHarness.with(AccountsSettings(lockoutThreshold: 100)) { harness in
            let account = try await harness.register()
            for attempt in 0..<6 { _ = try await problem { try await harness.signIn(account.email, "wrong password \(attempt)") } }
            let actor = try await harness.actor(try await harness.signIn(account.email))
            var seen: [LoginRecord] = []
            var cursor: String?
            repeat {
                let page = try await harness.handlers.listLogins(
                    ListLogins(page: PageRequest(limit: 3, cursor: cursor)), harness.context(ListLogins.type, actor: actor))
                #expect(page.items.count <= 3)
                seen += page.items
                cursor = page.nextCursor
            } while cursor != nil
            #expect(seen.count == 7)
            #expect(seen.map(\.occurredAt) == seen.map(\.occurredAt).sorted(by: >))
            let bad = try await problem {
                try await harness.handlers.listLogins(ListLogins(page: PageRequest(limit: 0, cursor: "garbage")), harness.context(ListLogins.type, actor: actor))
            }
            #expect(Set(bad?.errors?.map(\.field) ?? []) == ["limit", "cursor"])
        }
    }
}
