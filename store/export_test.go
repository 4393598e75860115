package store

import "time"

// SetExactBelow sets the number of papers up to which db's searches rank
// every match, so that tests on small databases exercise the planner.
func SetExactBelow(db *DB, n int64) { db.exactBelow = n }

// SetLockTiming sets how often db's AcquireLock asks for a held lock again
// and how often a lock it holds checks its connection, so that tests of the
// handover need not wait the production seconds.
func SetLockTiming(db *DB, poll, check time.Duration) { db.lockTiming = lockTiming{poll, check} }

// LockPapers is the papers write lock's advisory key.
const LockPapers = lockPapers
