import Glibc

/// Refuses to start on a port another process holds, with a message naming the setting to change;
/// the HTTP server's own bind error would not say which variable it came from.
public enum PortCheck {
    public static func ensureFree(host: String, port: Int, variable: String) throws {
        guard port != 0 else { return }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var reuse: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr(host == "localhost" ? "127.0.0.1" : host)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if result != 0 && errno == EADDRINUSE {
            throw ConfigurationError(variable, "port \(port) on \(host) is already in use; set \(variable) to a free port")
        }
    }
}
