package main

import (
	"testing"
	"time"

	"paperboy/bot"
)

func TestParseSchedule_DST(t *testing.T) {
	s, err := parseSchedule("0 9 * * 1-5", "Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	// Berlin leaves summer time on Sunday 2026-10-25: 09:00 is 07:00 UTC
	// on Friday and 08:00 UTC on Monday.
	fri := s.Next(time.Date(2026, 10, 23, 0, 0, 0, 0, time.UTC))
	mon := s.Next(fri)
	if got, want := fri.UTC(), time.Date(2026, 10, 23, 7, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Fatalf("Friday: %v, want %v", got, want)
	}
	if got, want := mon.UTC(), time.Date(2026, 10, 26, 8, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Fatalf("Monday: %v, want %v", got, want)
	}
	if got, want := (&bot.Scheduler{}).BatchDate(mon), "2026-10-23"; got != want {
		t.Fatalf("Monday's delivery posts %s, want Friday's batch %s", got, want)
	}
}

func TestParseSchedule_Errors(t *testing.T) {
	for _, tt := range []struct{ spec, tz string }{
		{"0 9 * *", "UTC"}, {"61 9 * * *", "UTC"}, {"every day", "UTC"}, {"0 9 * * 1-5", "Mars/Olympus"},
	} {
		if _, err := parseSchedule(tt.spec, tt.tz); bot.ErrorCode(err) != bot.EINVALID {
			t.Errorf("parseSchedule(%q, %q) err=%v, want EINVALID", tt.spec, tt.tz, err)
		}
	}
}
