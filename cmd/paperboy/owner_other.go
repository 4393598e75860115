//go:build !linux

package main

// pidScope is "" where paperboy cannot tell pid namespaces apart: claims
// of dead processes are then freed by their lease alone.
func pidScope() string { return "" }

func processExists(int) bool { return true }
