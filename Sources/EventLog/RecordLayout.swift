import CLMDB

/// How records are laid out in LMDB. This is the storage contract: changing it needs a migration.
///
/// - `events` (named sub-database): key = position as 8 bytes big-endian (so LMDB's byte
///   order is numeric order, and appends use `MDB_APPEND`); value =
///   `[u16 big-endian id length][id as UTF-8][payload]`.
/// - `event-ids`: key = the id as UTF-8; value = position, 8 bytes big-endian.
/// - `checkpoints`: key = the checkpoint name as UTF-8; value = `[u64 big-endian position][snapshot]`.
/// - `side.<table>`: key = record number, 8 bytes big-endian, from 1; value = the bytes.
enum RecordLayout {
    static let eventsDatabase = "events"
    static let eventIDsDatabase = "event-ids"
    static let checkpointsDatabase = "checkpoints"
    static let sideTablePrefix = "side."

    /// Bytes before the id in an event value.
    static let idLengthSize = 2

    /// Writes `value` big-endian into 8 bytes at `pointer`.
    @inline(__always)
    static func storeBigEndian(_ value: UInt64, at pointer: UnsafeMutableRawPointer) {
        pointer.storeBytes(of: value.bigEndian, as: UInt64.self)
    }

    /// Reads 8 big-endian bytes; nil when the buffer is not at least 8 bytes long.
    @inline(__always)
    static func loadBigEndian(_ value: MDB_val) -> UInt64? {
        guard value.mv_size >= 8, let data = value.mv_data else { return nil }
        return UInt64(bigEndian: data.loadUnaligned(as: UInt64.self))
    }

    /// Splits an event value into its id bytes and payload; nil when the layout is broken.
    @inline(__always)
    static func splitEvent(_ value: MDB_val) -> (id: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer)? {
        guard value.mv_size >= idLengthSize, let data = value.mv_data else { return nil }
        let idLength = Int(UInt16(bigEndian: data.loadUnaligned(as: UInt16.self)))
        guard idLengthSize + idLength <= value.mv_size else { return nil }
        let id = UnsafeRawBufferPointer(start: data + idLengthSize, count: idLength)
        let payload = UnsafeRawBufferPointer(
            start: data + idLengthSize + idLength, count: value.mv_size - idLengthSize - idLength)
        return (id, payload)
    }
}
