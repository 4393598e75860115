package arxiv

import (
	"testing"
	"time"
)

// TestEastern checks the hand-written US Eastern rule against the time
// zone database, for every day arXiv's current schedule could be asked about.
func TestEastern(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skipf("no time zone database: %v", err)
	}
	for d := time.Date(2007, 1, 1, 0, 0, 0, 0, time.UTC); d.Year() < 2040; d = d.AddDate(0, 0, 1) {
		for _, hour := range []int{cutoffHour, announceHour} {
			if got, want := eastern(d, hour), time.Date(d.Year(), d.Month(), d.Day(), hour, 0, 0, 0, ny).UTC(); !got.Equal(want) {
				t.Fatalf("eastern(%s, %d)=%v, want %v", d.Format(time.DateOnly), hour, got, want)
			}
		}
	}
}

// TestListingWindow checks that the windows of consecutive weekdays meet,
// so that every submission belongs to exactly one day's batch.
func TestListingWindow(t *testing.T) {
	var prev window
	for d := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC); d.Year() < 2028; d = d.AddDate(0, 0, 1) {
		if d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
			continue
		}
		w := listingWindow(d)
		if !prev.End.IsZero() && !w.Start.Equal(prev.End) {
			t.Fatalf("%s: Start=%v, want the previous End %v", d.Format(time.DateOnly), w.Start, prev.End)
		}
		if !w.Start.Before(w.End) || !w.End.Before(w.Announced) || !w.Announced.Before(d.AddDate(0, 0, 1)) {
			t.Fatalf("%s: window %+v out of order", d.Format(time.DateOnly), w)
		}
		prev = w
	}
}
