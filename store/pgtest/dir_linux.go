package pgtest

import (
	"os"
	"syscall"
)

// shm is Linux's in-memory file system, and shmRoom the room it must have
// left for a server's directory to go there: a package's tests make about
// a hundred databases of 8 MB, and the WAL grows to max_wal_size. A
// container's small /dev/shm (Docker's is 64 MB) is left alone.
const (
	shm     = "/dev/shm"
	shmRoom = 4 << 30
)

// roots returns where servers' directories may be, orphans' included; a
// new one goes in the first: /dev/shm when it has the room, else
// os.TempDir.
func roots() []string {
	var st syscall.Statfs_t
	if err := syscall.Statfs(shm, &st); err == nil && st.Type == 0x01021994 /* TMPFS_MAGIC */ &&
		uint64(st.Bavail)*uint64(st.Bsize) >= shmRoom && syscall.Access(shm, 2 /* W_OK */) == nil {
		return []string{shm, os.TempDir()}
	}
	return []string{os.TempDir(), shm}
}
