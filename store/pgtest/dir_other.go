//go:build !linux

package pgtest

import "os"

// roots returns where the servers' directories go, the first for a new
// one: os.TempDir.
func roots() []string { return []string{os.TempDir()} }
