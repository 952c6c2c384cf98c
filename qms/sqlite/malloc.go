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
// millisecond later. Keeping up to 4 MiB free per arena (twice a read
// connection's cache) stops that churn without holding on to much more:
// at 64 MiB the server kept some 90 MB more at rest.
static void qms_tune_malloc(void) {
	mallopt(M_TRIM_THRESHOLD, 4 << 20);
}
#else
static void qms_tune_malloc(void) {}
#endif
*/
import "C"

import "sync"

var tuneMalloc = sync.OnceFunc(func() { C.qms_tune_malloc() })
