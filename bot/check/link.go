package check

import (
	"net/netip"
	"regexp"
	"strings"
	"unicode"
)

// Rules are the rules of TLDR and Answer that need knowledge from outside
// the standard library. The zero value is the strictest.
type Rules struct {
	// IsTLD reports whether a lower-case label is a top-level domain (com,
	// zip, top, xn--p1ai), so that a name ending in it is a link: chats turn
	// bare domains into links by themselves. cmd/paperboy answers from the
	// public suffix list (golang.org/x/net/publicsuffix). nil counts every
	// label of two letters or more as a top-level domain, which also rejects
	// names like Node.js and Llama.cpp.
	IsTLD func(label string) bool
}

// TLDR is the package's TLDR under r.
func (r Rules) TLDR(s string) (string, error) { return checkTLDR(s, r) }

// Names that chats would link: a host name (labels joined by dots), an
// IPv4 address (with a port or not), an IPv6 address (bracketed or not)
// and localhost.
var (
	hostPattern      = regexp.MustCompile(`[\pL\pN-]+(?:\.[\pL\pN-]+)+`)
	ipv4Pattern      = regexp.MustCompile(`(?:^|[^\pL\pN_.])((?:\d{1,3}\.){3}\d{1,3})(?:$|[^\pL\pN_.]|\.(?:$|\D))`)
	ipv6Pattern      = regexp.MustCompile(`(?:^|[^\pL\pN_:.])\[?([0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:\.\d{1,3}){0,3})\]?`)
	localhostPattern = regexp.MustCompile(`(?i)(?:^|[^\pL\pN_])localhost(?:$|[^\pL\pN_])`)
)

// hasLinkName reports whether s names a host a chat would link: a domain
// whose last label is a top-level domain by r, an IP address, or localhost.
func (r Rules) hasLinkName(s string) bool {
	for _, host := range hostPattern.FindAllString(s, -1) {
		if r.isDomain(host) {
			return true
		}
	}
	for _, m := range ipv4Pattern.FindAllStringSubmatch(s, -1) {
		if _, err := netip.ParseAddr(m[1]); err == nil {
			return true
		}
	}
	for _, m := range ipv6Pattern.FindAllStringSubmatch(s, -1) {
		if _, err := netip.ParseAddr(m[1]); err == nil && strings.ContainsFunc(m[1], isHexDigit) {
			return true
		}
	}
	return localhostPattern.MatchString(s)
}

// isDomain reports whether host (labels joined by dots) ends in a
// top-level domain.
func (r Rules) isDomain(host string) bool {
	label := strings.ToLower(strings.Trim(host[strings.LastIndexByte(host, '.')+1:], "-"))
	if len(label) < 2 {
		return false
	}
	if !strings.HasPrefix(label, "xn--") && strings.ContainsFunc(label, func(c rune) bool { return !unicode.IsLetter(c) }) {
		return false // TLDs are letters; 3.5, GPT-4o.1 and v2.0-beta are not names
	}
	if r.IsTLD == nil {
		return true
	}
	return r.IsTLD(label)
}

func isHexDigit(c rune) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
