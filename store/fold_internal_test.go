package store

import (
	"sync"
	"testing"
)

// TestFoldDiacritics_Concurrent folds words from several goroutines at
// once, as concurrent searches do: each gets its own word back folded (the
// race detector, in the -race pass, checks that they share no state).
func TestFoldDiacritics_Concurrent(t *testing.T) {
	words := map[string]string{"müller": "muller", "Erdős": "Erdos", "café": "cafe", "naïve": "naive", "plain": "plain"}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 200 {
				for in, want := range words {
					if got := foldDiacritics(in); got != want {
						t.Errorf("foldDiacritics(%q)=%q, want %q", in, got, want)
						return
					}
				}
			}
		})
	}
	wg.Wait()
}
