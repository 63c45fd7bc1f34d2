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

/// One write transaction: `count` values of `value_size` bytes put with MDB_APPEND under
/// 8-byte big-endian keys following the last one, then commit. When `with_index` is set,
/// also puts an id ("evt-%012llu" of the key) into an id index with MDB_NOOVERWRITE, as
/// the event log does for deduplication.
int lmdb_baseline_append_batch(lmdb_baseline *baseline, int count, const void *value, size_t value_size, int with_index);

/// Reads every value with a cursor in one read transaction; returns the count and total bytes.
int lmdb_baseline_scan(lmdb_baseline *baseline, uint64_t *count, uint64_t *bytes);

#endif
