import CAMQPShim
import Glibc
import Synchronization

/// Hands work from any thread or task to a connection's owner thread and wakes it through an
/// eventfd, which the owner polls together with the broker socket.
final class Mailbox<Owner>: Sendable {
    typealias Command = @Sendable (Owner) -> Void

    let wakeFD: Int32
    private let state = Mutex<(commands: [Command], closed: Bool)>(([], false))

    init() {
        wakeFD = c_amqp_wakeup_fd_create()
        precondition(wakeFD >= 0, "eventfd failed: errno \(errno)")
    }

    deinit { Glibc.close(wakeFD) }

    /// Queues `command` for the owner thread; false once the owner has stopped for good.
    func send(_ command: @escaping Command) -> Bool {
        let (accepted, wake) = state.withLock { state -> (Bool, Bool) in
            guard !state.closed else { return (false, false) }
            state.commands.append(command)
            // The owner reads the eventfd before it takes the commands, so one wake per batch suffices.
            return (true, state.commands.count == 1)
        }
        if wake {
            var one: UInt64 = 1
            _ = Glibc.write(wakeFD, &one, 8)
        }
        return accepted
    }

    /// Everything queued so far; called only by the owner thread.
    func drain() -> [Command] {
        var counter: UInt64 = 0
        _ = Glibc.read(wakeFD, &counter, 8)
        return state.withLock { state in
            defer { state.commands.removeAll(keepingCapacity: true) }
            return state.commands
        }
    }

    /// Refuses further commands and returns the ones still queued, for the owner to fail.
    func close() -> [Command] {
        state.withLock { state in
            state.closed = true
            defer { state.commands = [] }
            return state.commands
        }
    }

    /// Blocks the owner thread until a command arrives, `socket` is readable, or the timeout passes.
    func wait(socket: Int32?, timeoutMilliseconds: Int32) {
        var fds = [pollfd(fd: wakeFD, events: Int16(POLLIN), revents: 0)]
        if let socket { fds.append(pollfd(fd: socket, events: Int16(POLLIN), revents: 0)) }
        _ = poll(&fds, nfds_t(fds.count), timeoutMilliseconds)
    }
}
