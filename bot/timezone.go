package bot

import (
	"strings"
	"time"
)

// LoadTimezone is time.LoadLocation for a timezone a user names (config,
// /papers subscribe tz=): an IANA name, or UTC. "Local" is refused, and so
// is "": each means whatever zone the machine running paperboy is set to,
// which differs between a laptop, a container and the next replica.
func LoadTimezone(name string) (*time.Location, error) {
	if name == "" || strings.EqualFold(name, "local") {
		return nil, Errorf(EINVALID, "%q is not a timezone name; use an IANA name like Europe/Berlin, or UTC", name)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, Errorf(EINVALID, "unknown timezone %q; use an IANA name like Europe/Berlin", shorten(name, 40))
	}
	return loc, nil
}
