package bot

import (
	"strconv"
	"strings"
	"time"
)

// NewOwner names a process in delivery claims: "host:pid:start:scope",
// with the start time in base 36 so that a restarted process never shares
// a claim with an earlier one. scope says where pid means something (on
// Linux the boot and the pid namespace), so that a process can tell whether
// an owner's pid is one it can see; "" when unknown.
func NewOwner(host string, pid int, start time.Time, scope string) string {
	return strings.Join([]string{host, strconv.Itoa(pid), strconv.FormatInt(start.UnixNano(), 36), scope}, ":")
}

// ParseOwner returns the host, pid and scope of an owner made by NewOwner.
// It reports false for any other form.
func ParseOwner(owner string) (host string, pid int, scope string, ok bool) {
	parts := strings.Split(owner, ":")
	if len(parts) < 4 {
		return "", 0, "", false
	}
	n := len(parts)
	pid, err := strconv.Atoi(parts[n-3])
	if err != nil || pid <= 0 {
		return "", 0, "", false
	}
	return strings.Join(parts[:n-3], ":"), pid, parts[n-1], true
}

// OwnerName is how status shows an owner: "host/pid", or the owner as it is
// when it is not of NewOwner's form.
func OwnerName(owner string) string {
	if host, pid, _, ok := ParseOwner(owner); ok {
		return host + "/" + strconv.Itoa(pid)
	}
	return owner
}
