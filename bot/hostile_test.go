package bot

import (
	"strings"
	"testing"
	"unicode/utf8"

	"paperboy/bot/check"
	"paperboy/bot/text"
)

// hostileTexts is untrusted text shaped to make a naive parser quadratic
// or deeply recursive.
func hostileTexts() map[string]string {
	const n = 20000
	return map[string]string{
		"NestedBraces":  strings.Repeat("{", n) + strings.Repeat("}", n),
		"UnclosedParen": strings.Repeat(`\(`, n),
		"UnclosedBrack": strings.Repeat(`\[x`, n),
		"Dollars":       strings.Repeat("$a ", n),
		"DollarNoClose": "$x" + strings.Repeat("a", 3*n),
		"Accents":       strings.Repeat(`\hat`, n),
		"Optional":      strings.Repeat(`\sqrt[`, n),
		"Marks":         "a" + strings.Repeat("\u0301", n),
		"Sentences":     strings.Repeat("A b. ", n),
	}
}

// TestCleanHostileInputs feeds the cleaners hostile text: each returns
// valid, bounded output without a crash. How fast is
// BenchmarkCleanHostileInputs's to say (linear: tens of milliseconds an
// input), not a test's: a timed test fails on a busy machine.
func TestCleanHostileInputs(t *testing.T) {
	for name, in := range hostileTexts() {
		t.Run(name, func(t *testing.T) {
			out := text.CleanAbstract(in)
			text.Extractive(in)
			check.TLDR(in)
			if !utf8.ValidString(out) || len(out) > 2*len(in) {
				t.Fatalf("bad output of %d bytes", len(out))
			}
		})
	}
}

// BenchmarkCleanHostileInputs: go test ./bot -run '^$' -bench CleanHostile
func BenchmarkCleanHostileInputs(b *testing.B) {
	for name, in := range hostileTexts() {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				text.CleanAbstract(in)
				text.Extractive(in)
				check.TLDR(in)
			}
		})
	}
}
