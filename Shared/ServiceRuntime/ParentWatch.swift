import Glibc

/// Notices that the process which started this one has exited: this one was handed to another
/// parent. (A parent-death signal would be simpler, but Linux sends it when the spawning thread
/// exits, and the pool threads that spawn processes come and go.)
enum ParentWatch {
    /// True once `parent` is no longer this process's parent; false if cancelled first.
    static func exited(_ parent: Int) async -> Bool {
        while !Task.isCancelled {
            if Int(getppid()) != parent { return true }
            try? await Task.sleep(for: .seconds(1))
        }
        return false
    }
}
