#ifndef SYNCLOG_HEAPSTATS_H
#define SYNCLOG_HEAPSTATS_H
#include <stddef.h>

/// Bytes the process has allocated and not freed (glibc's mallinfo2: in-use chunks plus
/// mmapped ones). Unlike resident memory it drops when memory is freed, so the difference
/// across a fold is what the fold's state holds.
size_t synclog_heap_in_use(void);

/// Returns the heap's free memory to the system (malloc_trim), so resident memory measured
/// next starts from what is in use.
void synclog_heap_trim(void);

#endif
