import CLMDB

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Keeps LMDB's data file written ahead of its last used page, so that a durable commit
/// overwrites blocks the file system has already allocated and written.
///
/// Why: LMDB appends new pages at the end of `data.mdb`. On ext4 (and most journaling file
/// systems) writing past the end allocates blocks and changes the file's size, so the
/// commit's `fdatasync` must also commit the journal; overwriting blocks that already hold
/// data needs only the data flush. Measured here (C, 64-event durable commits, events plus
/// the id index, quiet machine): p50 0.48 ms appending to the file, 0.34 ms into a zero-filled tail. This
/// is the reason PostgreSQL fills each WAL segment with zeros before using it. Reserving
/// space with `fallocate` is not the same: its extents are "unwritten", and the first write
/// into each one is a metadata change again.
///
/// How: inside a write transaction (LMDB's writer lock is held, so no other writer of this
/// or any other process touches the file) and before its pages are written, if less than
/// half the target tail is left written beyond the last used page, zeros are written at the
/// end of the file. LMDB never reads pages past its last used page, and the transaction's
/// own pages, written later on the same thread, replace zeros they land on; a crash at any
/// moment leaves only unused zero pages. The tail's target grows with the log (an eighth of
/// it, from 256 KiB to 16 MiB), so a small log stays small; it is topped up when half is
/// used, by at most 1 MiB per transaction and only by small transactions
/// (``largestTransactionThatWritesZeros``), so no commit waits for more than 1 MiB of zeros
/// (a few ms). The zeros are flushed by the commit's own `fdatasync`.
///
/// Only for durable logs (without sync there is no flush to save). A failed write (a full
/// disk, say) turns preallocation off until the log is reopened: it is an optimisation,
/// never a reason for an append to fail. ``EventLogStatistics/fileBytes`` shows the tail.
///
/// Used by the writer thread only.
struct DataFilePreallocation {
    static let minimumTail = 256 << 10
    static let maximumTail = 16 << 20
    /// The most zeros one transaction writes.
    static let bufferSize = 1 << 20

    private var isEnabled: Bool
    /// The file size as last seen (by `fstat` or our own writes); it only grows.
    private var knownFileSize = 0
    /// LMDB's page size, read at the first transaction (0 before).
    private var pageSize = 0
    private var zeros: UnsafeMutableRawBufferPointer?

    init(enabled: Bool) {
        isEnabled = enabled
    }

    /// The tail kept for a log using `usedBytes`: an eighth of it, within the bounds, in whole pages.
    static func tailTarget(usedBytes: Int, pageSize: Int) -> Int {
        let target = min(max(usedBytes / 8, minimumTail), maximumTail)
        return (target + pageSize - 1) / pageSize * pageSize
    }

    /// A transaction storing more than this writes no zeros (it still uses the tail there is).
    ///
    /// The tail saves a fixed cost per flush and costs its bytes written twice. For a small
    /// commit the saving wins: 64 events of 218 bytes, 64 durable appenders group-committed,
    /// median of 8 interleaved runs 105k events/s with the tail, 86k without. For a large one
    /// the bytes win: batches of 1,000 (about 270 KB a commit) 717k events/s with zeros
    /// written, 840k without. So only transactions below this size top the tail up.
    static let largestTransactionThatWritesZeros = 64 << 10

    /// Call right after beginning a write transaction, before any of its pages are written;
    /// `transactionBytes` is what the transaction will store, read only when the tail needs
    /// topping up.
    mutating func extendIfNeeded(env: OpaquePointer, transactionBytes: @autoclosure () -> Int) {
        guard isEnabled else { return }
        if pageSize == 0 {
            var pages = MDB_stat()
            guard mdb_env_stat(env, &pages) == 0 else { return }
            pageSize = Int(pages.ms_psize)
        }
        var info = MDB_envinfo()
        guard mdb_env_info(env, &info) == 0 else { return }
        let usedBytes = (info.me_last_pgno + 1) * pageSize
        let target = Self.tailTarget(usedBytes: usedBytes, pageSize: pageSize)
        if knownFileSize - usedBytes >= target / 2 { return }
        guard transactionBytes() <= Self.largestTransactionThatWritesZeros else { return }

        var descriptor: Int32 = -1
        guard mdb_env_get_fd(env, &descriptor) == 0, descriptor >= 0 else { return }
        guard let size = Self.fileSize(descriptor: descriptor) else { return disable() }
        knownFileSize = size
        let tail = knownFileSize - usedBytes
        if tail >= target / 2 { return }  // another process extended it

        // At most one buffer per transaction, so no single commit waits for many MiB of zeros.
        let start = max(knownFileSize, usedBytes)
        let count = min(target - max(tail, 0), Self.bufferSize)
        if writeZeros(descriptor: descriptor, from: start, count: count) {
            knownFileSize = start + count
        } else {
            disable()
        }
    }

    /// The size of the open file `descriptor`, or nil if `fstat` fails.
    static func fileSize(descriptor: Int32) -> Int? {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return nil }
        return Int(status.st_size)
    }

    private mutating func disable() {
        isEnabled = false
        release()
    }

    /// Writes `count` zero bytes at `offset`, retrying interrupted and short writes.
    private mutating func writeZeros(descriptor: Int32, from offset: Int, count: Int) -> Bool {
        if zeros == nil {
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.bufferSize, alignment: 4096)
            buffer.initializeMemory(as: UInt8.self, repeating: 0)
            zeros = buffer
        }
        guard let zeros, let base = zeros.baseAddress else { return false }
        var written = 0
        while written < count {
            let length = min(Self.bufferSize, count - written)
            let result = pwrite(descriptor, base, length, off_t(offset + written))
            if result < 0 {
                if errno == EINTR { continue }
                return false
            }
            if result == 0 { return false }
            written += result
        }
        return true
    }

    /// Frees the zero buffer (at the writer's end).
    mutating func release() {
        zeros?.deallocate()
        zeros = nil
    }
}
