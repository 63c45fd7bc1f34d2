#include <malloc.h>
#include "heapstats.h"

size_t synclog_heap_in_use(void) {
    struct mallinfo2 m = mallinfo2();
    return m.uordblks + m.hblkhd;
}

void synclog_heap_trim(void) {
    malloc_trim(0);
}
