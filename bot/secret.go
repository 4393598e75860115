package bot

import (
	"log/slog"
	"strings"
)

// Secret is a token, key or password. Every way of printing it (%v, %s,
// %#v, slog) shows "REDACTED", or "" when it is empty so that a missing
// secret shows as such; only an explicit string(s) conversion reveals it.
// It is the one redaction type of paperboy: config, adapters, sources and
// the LLM client all hold their secrets as Secret.
type Secret string

// String implements fmt.Stringer.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return "REDACTED"
}

// GoString implements fmt.GoStringer, for %#v.
func (s Secret) GoString() string { return `"` + s.String() + `"` }

// RedactIn returns text with every occurrence of the secret replaced by
// "REDACTED": for text from outside that may echo it, such as a server's
// error message about a wrong key.
func (s Secret) RedactIn(text string) string {
	if s == "" {
		return text
	}
	return strings.ReplaceAll(text, string(s), "REDACTED")
}

// LogValue implements slog.LogValuer.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// MarshalText implements encoding.TextMarshaler, so JSON and YAML encoders
// (and slog's JSON handler, for a struct holding a Secret) write the
// redacted form too. Decoding is unchanged: a Secret decodes as a string.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// RedactURL returns s with a URL's userinfo ("user:password@") shown as
// "REDACTED@", and s unchanged when it holds none. It is the one redaction
// of addresses for errors and logs, and it works on text that does not
// parse as a URL too: a password holding '/', '#' or '?' ends the authority
// early for a URL parser, so everything between "://" and the last '@' is
// taken as userinfo.
func RedactURL(s string) string {
	i := strings.Index(s, "://")
	if i < 0 {
		return s
	}
	rest := s[i+3:]
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return s
	}
	return s[:i+3] + "REDACTED@" + rest[at+1:]
}
