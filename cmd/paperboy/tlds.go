package main

import "golang.org/x/net/publicsuffix"

// isTLD reports whether a lower-case label is a top-level domain by the
// ICANN section of the public suffix list, for check.Rules: every
// delegated TLD is there (com, zip, top, uk, xn--p1ai), and names such as
// js or cpp, which publicsuffix answers by its default rule, are not.
func isTLD(label string) bool {
	_, icann := publicsuffix.PublicSuffix(label)
	return icann
}
