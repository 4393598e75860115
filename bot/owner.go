package bot

import (
	"strconv"
	"strings"
	"time"
)

// NewOwner names a process in delivery claims: "host:pid:start", with the
// start time in base 36 so that a restarted process, or a pid reused after
// a reboot, never shares a claim with an earlier one.
func NewOwner(host string, pid int, start time.Time) string {
	return strings.Join([]string{host, strconv.Itoa(pid), strconv.FormatInt(start.UnixNano(), 36)}, ":")
}

// ParseOwner returns the host and pid of an owner made by NewOwner. It
// reports false for any other form.
func ParseOwner(owner string) (host string, pid int, ok bool) {
	i := strings.LastIndexByte(owner, ':')
	if i < 0 {
		return "", 0, false
	}
	rest := owner[:i]
	j := strings.LastIndexByte(rest, ':')
	if j < 0 {
		return "", 0, false
	}
	pid, err := strconv.Atoi(rest[j+1:])
	if err != nil || pid <= 0 {
		return "", 0, false
	}
	return rest[:j], pid, true
}

// OwnerName is how status shows an owner: "host/pid", or the owner as it is
// when it is not of NewOwner's form.
func OwnerName(owner string) string {
	if host, pid, ok := ParseOwner(owner); ok {
		return host + "/" + strconv.Itoa(pid)
	}
	return owner
}
