package main

import (
	"fmt"
	"testing"
)

// The draws of Python 3.11's random.Random(seed).sample(range(n), k), as
// the reference script makes them.
func TestPyRandom(t *testing.T) {
	tests := []struct {
		seed string
		n, k int
		want string
	}{
		{"code-7", 100, 5, "[96 43 17 20 48]"},     // the set branch (n > setsize)
		{"medical-7", 9, 9, "[2 7 1 3 8 5 0 4 6]"}, // the pool branch
	}
	for _, tt := range tests {
		if got := fmt.Sprint(newPyRandom(tt.seed).sample(tt.n, tt.k)); got != tt.want {
			t.Errorf("Random(%q).sample(range(%d), %d) = %s, want %s", tt.seed, tt.n, tt.k, got, tt.want)
		}
	}
}
