package sqlite

/*
// SQLite's own allocation statistics (SQLITE_CONFIG_MEMSTATUS, on by
// default) take one process-wide mutex on every allocation and free, of
// every connection. The writer's in-memory sub-journal (writerDriver)
// allocates a few chunks per page it journals, and with the statistics on
// it queued behind the readers' allocations on that mutex: step
// completions were slower with the journal in memory than in a file.
// Nothing here reads the statistics (nor sets a soft heap limit, which
// needs them). The option is only taken before SQLite initialises, that
// is before the first connection opens; declared here so that the
// package needs no SQLite header.
int sqlite3_config(int, ...);
long long sqlite3_memory_used(void);
static int qms_sqlite_memstatus_off(void) { return sqlite3_config(9, 0); } // SQLITE_CONFIG_MEMSTATUS
*/
import "C"

// memstatusOff is SQLite's answer to turning its allocation statistics
// off: 0 (SQLITE_OK), or 21 (SQLITE_MISUSE) if a connection had already
// been opened when this package was initialised.
var memstatusOff = int(C.qms_sqlite_memstatus_off())

// memoryCounted is what SQLite's statistics count as allocated: 0 while
// they are off, however much its connections hold.
func memoryCounted() int64 { return int64(C.sqlite3_memory_used()) }
