package bot

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"paperboy/bot/check"
	"paperboy/bot/text"
)

// TestCleanHostileInputs feeds the cleaners untrusted text shaped to make a
// naive parser quadratic or deeply recursive. Each must stay fast.
func TestCleanHostileInputs(t *testing.T) {
	const n = 20000
	tests := map[string]string{
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
	for name, in := range tests {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			out := text.CleanAbstract(in)
			text.Extractive(in)
			check.TLDR(in)
			if d := time.Since(start); d > 2*time.Second {
				t.Fatalf("took %v", d)
			}
			if !utf8.ValidString(out) || len(out) > 2*len(in) {
				t.Fatalf("bad output of %d bytes", len(out))
			}
		})
	}
}
