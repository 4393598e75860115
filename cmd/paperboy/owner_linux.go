package main

import (
	"errors"
	"os"
	"strings"
	"sync"
	"syscall"
)

// pidScope identifies where this process's pids mean something: the boot
// (the kernel's boot id) and the pid namespace (its inode). Two containers
// with the same host name but their own pid namespaces get different
// scopes, so neither mistakes the other's pids for its own.
var pidScope = sync.OnceValue(func() string {
	boot, err := os.ReadFile("/proc/sys/kernel/random/boot_id")
	if err != nil {
		return ""
	}
	ns, err := os.Readlink("/proc/self/ns/pid")
	if err != nil {
		return ""
	}
	ns = strings.TrimSuffix(strings.TrimPrefix(ns, "pid:["), "]")
	id := strings.ReplaceAll(strings.TrimSpace(string(boot)), "-", "")
	return id[:min(len(id), 12)] + "-" + ns
})

// processExists reports whether a process with pid exists (a zombie
// counts: it has not been reaped yet). Signal 0 checks without sending;
// EPERM means it exists under another user.
func processExists(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
