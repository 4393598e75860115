package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"hash/fnv"
	"sync"
	"time"
)

// Lock is a named lock that at most one paperboy process holds at a time,
// across every replica on one PostgreSQL database: a session advisory lock
// on a connection of its own. PostgreSQL releases it when that connection
// ends, so a replica that dies (kill -9, a crash) frees it at once, and one
// cut off from the database frees it once the server's TCP keepalive gives
// up on it (lockKeepalive). On SQLite a Lock is granted at once and never
// lost: SQLite stores serve one host, where the chat platform's own rules
// apply.
type Lock struct {
	conn  *sql.Conn // nil on SQLite
	check time.Duration
	key   int64
	lost  chan struct{}
	once  sync.Once
	stop  chan struct{}
	done  chan struct{}
}

// Lock timing. A waiting replica asks for the lock every lockPoll; the
// holder checks its connection every lockCheck and gives the lock up (Lost)
// when a check fails or takes longer than lockCheck. The server drops a
// holder it cannot reach after about lockKeepalive (idle 10 s, then 3
// probes 5 s apart): by then the holder has seen its checks fail, so two
// replicas do not both believe they hold the lock. A DB's lockTiming
// replaces the first two in tests (store's export_test.go), so that they
// need not wait seconds for a handover.
const (
	lockPoll      = 2 * time.Second
	lockCheck     = 5 * time.Second
	lockKeepalive = 25 * time.Second
)

// lockTiming is how often a DB's waiting AcquireLock asks again (poll) and
// how often a held lock's connection is checked (check); zero fields mean
// lockPoll and lockCheck.
type lockTiming struct{ poll, check time.Duration }

func (lt lockTiming) pollEvery() time.Duration {
	if lt.poll > 0 {
		return lt.poll
	}
	return lockPoll
}

func (lt lockTiming) checkEvery() time.Duration {
	if lt.check > 0 {
		return lt.check
	}
	return lockCheck
}

// lockKey returns the advisory lock key of a name.
func lockKey(name string) int64 {
	h := fnv.New64a()
	h.Write([]byte("paperboy lock " + name))
	return int64(h.Sum64())
}

// AcquireLock waits until this process holds the lock named name, or ctx
// ends. The caller stops the work the lock guards when Lost is closed, and
// calls Release when done.
func (db *DB) AcquireLock(ctx context.Context, name string) (*Lock, error) {
	l := &Lock{key: lockKey(name), check: db.lockTiming.checkEvery(),
		lost: make(chan struct{}), stop: make(chan struct{}), done: make(chan struct{})}
	if !db.sql.pg {
		close(l.done)
		return l, nil
	}
	for {
		ok, err := db.tryLock(ctx, l)
		if err != nil {
			return nil, fmt.Errorf("acquire lock %s: %w", name, err)
		}
		if ok {
			go l.watch()
			return l, nil
		}
		t := time.NewTimer(db.lockTiming.pollEvery())
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("acquire lock %s: %w", name, context.Cause(ctx))
		case <-t.C:
		}
	}
}

// tryLock takes a connection, sets its keepalive and tries the lock once.
// The connection is kept in l when the lock is taken, closed otherwise.
func (db *DB) tryLock(ctx context.Context, l *Lock) (bool, error) {
	c, err := db.sql.DB.Conn(ctx)
	if err != nil {
		return false, err
	}
	_, err = c.ExecContext(ctx, "SET tcp_keepalives_idle = 10; SET tcp_keepalives_interval = 5; SET tcp_keepalives_count = 3")
	var ok bool
	if err == nil {
		err = c.QueryRowContext(ctx, "SELECT pg_try_advisory_lock($1)", l.key).Scan(&ok)
	}
	if err != nil || !ok {
		// A connection that held no lock goes back to the pool; one that
		// failed is dropped by database/sql.
		return false, errors.Join(err, c.Close())
	}
	l.conn = c
	return true, nil
}

// watch checks the lock's connection every l.check until Release, and
// closes lost when a check fails.
func (l *Lock) watch() {
	defer close(l.done)
	t := time.NewTicker(l.check)
	defer t.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), l.check)
		err := l.conn.PingContext(ctx)
		cancel()
		if err != nil {
			l.once.Do(func() { close(l.lost) })
			return
		}
	}
}

// Lost is closed when the lock may have been lost: its connection failed.
func (l *Lock) Lost() <-chan struct{} { return l.lost }

// Release gives the lock up. It is safe to call once.
func (l *Lock) Release() error {
	if l.conn == nil {
		return nil
	}
	close(l.stop)
	<-l.done
	// The connection is dropped, not returned to the pool: should the
	// unlock fail, the lock ends with the connection all the same.
	ctx, cancel := context.WithTimeout(context.Background(), lockCheck)
	defer cancel()
	_, err := l.conn.ExecContext(ctx, "SELECT pg_advisory_unlock($1)", l.key)
	rawErr := l.conn.Raw(func(any) error { return driver.ErrBadConn })
	if errors.Is(rawErr, driver.ErrBadConn) {
		rawErr = nil
	}
	closeErr := l.conn.Close()
	if errors.Is(closeErr, sql.ErrConnDone) {
		closeErr = nil
	}
	return errors.Join(err, rawErr, closeErr)
}
