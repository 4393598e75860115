package discord

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"paperboy/bot"
)

// apiSuffix is how compatible servers name their REST endpoint: /api, or
// /api/vN for a version.
var apiSuffix = regexp.MustCompile(`/api(/v[0-9]+)?$`)

// APIOrigin returns the address that Discord's REST paths (/api/v9/…) go
// under, from an address given as a bare origin ("https://chat.example"),
// or one ending in /api or /api/vN ("https://chat.example/api/v9"), with or
// without a trailing slash: the origin, plus any path before /api. "" stays
// "" (discord.com itself). Any other form is an error that shows the
// expected one.
func APIOrigin(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", nil
	}
	u, err := url.Parse(raw)
	if err != nil || !bot.IsHTTPURL(raw) || u.User != nil ||
		u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("%q is not an http(s) address; %s", bot.RedactURL(raw), OriginForm)
	}
	path := strings.TrimSuffix(u.Path, "/")
	if path != "" {
		if !apiSuffix.MatchString(path) {
			return "", fmt.Errorf("%q has a path Discord's API is not under; %s", bot.RedactURL(raw), OriginForm)
		}
		path = apiSuffix.ReplaceAllString(path, "")
	}
	return u.Scheme + "://" + u.Host + path, nil
}

// OriginForm says what APIOrigin accepts.
const OriginForm = "give the server's origin (https://chat.example) or its API address (https://chat.example/api or https://chat.example/api/v9)"
