package main

import (
	"os"
	"time"

	"paperboy/bot"
)

// processOwner names this process in delivery claims (bot.NewOwner): host,
// pid, start time, and the scope in which its pid can be checked.
func processOwner() string {
	host, _ := os.Hostname()
	return bot.NewOwner(host, os.Getpid(), time.Now(), pidScope())
}

// ownerGone reports whether the process that owns a claim is known to have
// exited: it ran on this host, in this boot and pid namespace (the same
// scope), and no process has its pid any more. Anything it cannot be sure
// of counts as alive, so a claim is never taken from a live process; the
// lease still frees it within its length.
func ownerGone(owner string) bool {
	host, pid, scope, ok := bot.ParseOwner(owner)
	self, _ := os.Hostname()
	if !ok || scope == "" || host != self || scope != pidScope() {
		return false
	}
	return !processExists(pid)
}
