import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A one-thread HTTP/1.1 server on loopback that answers canned responses in order and records each
/// request's head (for checking headers the emulator does not expose). `INSTANCE` in a body is replaced
/// by the server's own URL.
final class RecordingServer: Sendable {
    let url: String
    private let fd: Int32
    private let heads = HeadLog()

    init(answers: [(Int, String)]) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        guard bound == 0, listen(fd, 8) == 0 else { throw POSIXError(.EADDRINUSE) }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        let port = Int(UInt16(bigEndian: addr.sin_port))
        let url = "http://127.0.0.1:\(port)"
        self.url = url
        self.fd = fd
        let heads = self.heads
        let thread = Thread {
            for (status, body) in answers {
                let conn = accept(fd, nil, nil)
                guard conn >= 0 else { return }
                var data = [UInt8]()
                var buffer = [UInt8](repeating: 0, count: 65536)
                while !data.containsHeadEnd {
                    let n = read(conn, &buffer, buffer.count)
                    if n <= 0 { break }
                    data += buffer[0..<n]
                }
                let head = String(decoding: data, as: UTF8.self)
                heads.lock.withLock { $0.append(head) }
                // Read the body if any (Content-Length).
                if let range = head.range(of: "\r\n\r\n") {
                    let already = head[range.upperBound...].utf8.count
                    let lengthLine = head.lowercased().split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                    var remaining = (lengthLine.flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0) - already
                    while remaining > 0 {
                        let n = read(conn, &buffer, min(buffer.count, remaining))
                        if n <= 0 { break }
                        remaining -= n
                    }
                }
                let text = body.replacingOccurrences(of: "INSTANCE", with: url)
                let response = "HTTP/1.1 \(status) OK\r\nContent-Type: application/json\r\nContent-Length: \(text.utf8.count)\r\nConnection: close\r\n\r\n\(text)"
                _ = Array(response.utf8).withUnsafeBytes { write(conn, $0.baseAddress, $0.count) }
                close(conn)
            }
        }
        thread.start()
    }

    /// The recorded request heads; closes the listening socket.
    func finish() -> [String] {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
        return heads.lock.withLock { $0 }
    }
}

extension Array where Element == UInt8 {
    var containsHeadEnd: Bool {
        guard count >= 4 else { return false }
        for i in 0...(count - 4) where self[i] == 13 && self[i + 1] == 10 && self[i + 2] == 13 && self[i + 3] == 10 { return true }
        return false
    }
}

final class HeadLog: Sendable {
    let lock = Mutex<[String]>([])
}
