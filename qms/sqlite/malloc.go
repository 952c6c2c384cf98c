package sqlite

/*
#include <stdlib.h>
#ifdef __GLIBC__
#include <malloc.h>
// SQLite takes its page caches from the C heap. A read connection drops
// its whole cache whenever another connection has committed, which under
// a steady stream of writes is at every read transaction, and reads the
// pages again. glibc hands such a freed stretch back to the kernel
// (madvise, and a TLB shootdown on every core) as soon as 128 KiB lie
// free at the top of an arena, then faults the same memory in again a
// millisecond later. Keeping up to 64 MiB free per arena, and serving
// allocations below 32 MiB from the heap rather than from their own
// mappings, stops that churn; the memory kept is bounded by what the
// caches held at their peak.
static void qms_tune_malloc(void) {
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
}
#else
static void qms_tune_malloc(void) {}
#endif
*/
import "C"

import "sync"

var tuneMalloc = sync.OnceFunc(func() { C.qms_tune_malloc() })
