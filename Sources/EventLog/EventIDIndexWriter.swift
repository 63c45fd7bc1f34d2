import CLMDB

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The `event-ids` index inside one write transaction: indexes each new event's id, or finds
/// the position of the event already stored under it.
///
/// An id that sorts after every id in the index cannot be a duplicate, so it goes at the end
/// of the index with `MDB_APPEND` through a cursor that stays on the last page: no descent of
/// the B-tree and no search within a page. Ids that grow with time (numbered or time-ordered
/// ids) take that path; how often the sync's own ids do was not measured. Any other id takes the ordinary
/// put with `MDB_NOOVERWRITE`, which finds a duplicate. Both paths store the same records
/// (``RecordLayout``): the index is the same whichever path wrote it.
///
/// Measured in C with durable logs off (`MDB_NOSYNC`, batches of 1,000 ordered 16-byte ids,
/// 218-byte values): events plus index through `mdb_put` ran at about half the rate of the
/// events alone; through the appending cursor, at about the same rate.
///
/// Order is LMDB's default key order: bytes compared as unsigned, then the shorter first.
struct EventIDIndexWriter {
    private let cursor: OpaquePointer
    /// The largest id in the index (empty and `isEmpty` for an empty index).
    private var largestID: [UInt8] = []
    private var indexIsEmpty: Bool

    /// Opens a cursor on `dbi` in `txn` and reads the largest id indexed so far.
    init(txn: OpaquePointer, dbi: MDB_dbi) throws {
        var cursor: OpaquePointer?
        var rc = mdb_cursor_open(txn, dbi, &cursor)
        guard rc == 0, let cursor else { throw LMDBFailure(rc, "open a cursor on event-ids") }
        self.cursor = cursor
        var key = MDB_val()
        var value = MDB_val()
        rc = mdb_cursor_get(cursor, &key, &value, MDB_LAST)
        if rc == MDB_NOTFOUND {
            indexIsEmpty = true
        } else if rc == 0 {
            indexIsEmpty = false
            largestID.reserveCapacity(max(64, key.mv_size))
            if key.mv_size > 0, let data = key.mv_data {
                largestID.append(contentsOf: UnsafeRawBufferPointer(start: data, count: key.mv_size))
            }
        } else {
            mdb_cursor_close(cursor)
            throw LMDBFailure(rc, "read the last event id")
        }
    }

    /// Closes the cursor (before the transaction commits or aborts).
    func close() { mdb_cursor_close(cursor) }

    /// Indexes `id` at the 8 big-endian bytes `position`; returns nil when it was added, or
    /// the position already stored under `id`.
    mutating func insert(id: UnsafeRawBufferPointer, position: UnsafeMutableRawPointer) throws -> UInt64? {
        var key = MDB_val(mv_size: id.count, mv_data: UnsafeMutableRawPointer(mutating: id.baseAddress))
        var value = MDB_val(mv_size: 8, mv_data: position)
        if sortsAfterLargest(id) {
            let rc = mdb_cursor_put(cursor, &key, &value, UInt32(MDB_APPEND))
            if rc == 0 {
                largestID.removeAll(keepingCapacity: true)
                largestID.append(contentsOf: id)
                indexIsEmpty = false
                return nil
            }
            // Not expected (the largest id is read in this transaction, under the writer lock);
            // the ordinary put below decides.
            guard rc == MDB_KEYEXIST else { throw LMDBFailure(rc, "index an event id") }
            value = MDB_val(mv_size: 8, mv_data: position)
        }
        let rc = mdb_cursor_put(cursor, &key, &value, UInt32(MDB_NOOVERWRITE))
        if rc == MDB_KEYEXIST {
            guard let existing = RecordLayout.loadBigEndian(value) else {
                throw LMDBFailure(MDB_CORRUPTED, "read the event-ids index")
            }
            return existing
        }
        guard rc == 0 else { throw LMDBFailure(rc, "index an event id") }
        return nil
    }

    /// Whether `id` sorts after every indexed id, in LMDB's default key order.
    private func sortsAfterLargest(_ id: UnsafeRawBufferPointer) -> Bool {
        if indexIsEmpty { return true }
        return largestID.withUnsafeBytes { largest in
            let common = min(largest.count, id.count)
            if common > 0 {
                let order = memcmp(id.baseAddress!, largest.baseAddress!, common)
                if order != 0 { return order > 0 }
            }
            return id.count > largest.count
        }
    }
}
