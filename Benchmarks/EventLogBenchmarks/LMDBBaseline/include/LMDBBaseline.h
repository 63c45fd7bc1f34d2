#ifndef LMDB_BASELINE_H
#define LMDB_BASELINE_H

#include <stddef.h>
#include <stdint.h>

/// The raw LMDB baseline for the EventLog benchmarks: the same storage work, written the
/// way a C program would, with nothing around it. Every function returns 0 or an LMDB code.

typedef struct lmdb_baseline lmdb_baseline;

/// Opens (creating) an environment in `directory` (which must exist) with the sub-databases
/// the event log uses. `durable` = 0 opens with MDB_NOSYNC.
int lmdb_baseline_open(const char *directory, size_t map_size, int durable, lmdb_baseline **out);

void lmdb_baseline_close(lmdb_baseline *baseline);

/// From now on, keep zeros written ahead of the last used page of data.mdb, as EventLog's
/// durable logs do (DataFilePreallocation): the same trick, for a like-for-like comparison.
void lmdb_baseline_preallocate(lmdb_baseline *baseline);

/// One write transaction: `count` values of `value_size` bytes put with MDB_APPEND under
/// 8-byte big-endian keys following the last one, then commit. When `with_index` is set,
/// also puts an id ("evt-%012llu" of the key) into an id index, as the event log does for
/// deduplication and the same way (EventIDIndexWriter): an id after the largest with
/// MDB_APPEND through a cursor, any other with MDB_NOOVERWRITE.
int lmdb_baseline_append_batch(lmdb_baseline *baseline, int count, const void *value, size_t value_size, int with_index);

/// Reads every value with a cursor in one read transaction; returns the count and total bytes.
int lmdb_baseline_scan(lmdb_baseline *baseline, uint64_t *count, uint64_t *bytes);

/// The group-commit benchmark's pattern in C: `threads` threads each append
/// `appends_per_thread` single values (with the id index), each waiting until its own commit
/// is done before the next. A thread that finds no commit running commits everything queued
/// in one transaction (no gathering window), then wakes the others. Returns 0 or the first
/// failure.
int lmdb_baseline_group_commit(lmdb_baseline *baseline, int threads, int appends_per_thread, const void *value, size_t value_size);

#endif
