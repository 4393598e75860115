package store

// SetExactBelow sets the number of papers up to which db's searches rank
// every match, so that tests on small databases exercise the planner.
func SetExactBelow(db *DB, n int64) { db.exactBelow = n }
