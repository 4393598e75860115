package arxiv

import "time"

// arXiv's schedule, in US Eastern time: submissions received before 14:00
// on a weekday are announced at 20:00 that evening (Sunday evening for
// Friday's), and the listing that goes out at 20:00 is dated the next day.
const (
	cutoffHour   = 14
	announceHour = 20
)

// window is the span of v1 submission times that one day's listing
// announces, and when it goes out.
type window struct {
	Start     time.Time // first submission time in the listing (inclusive)
	End       time.Time // the cutoff after it (exclusive)
	Announced time.Time // when arXiv publishes the listing
}

// listingWindow returns the window of the listing dated day, a weekday at
// midnight UTC. The listing dated Thursday goes out Wednesday 20:00 ET and
// holds what was submitted from Tuesday 14:00 ET to Wednesday 14:00 ET;
// Monday's holds Thursday 14:00 to Friday 14:00; Tuesday's holds Friday
// 14:00 to Monday 14:00. Consecutive windows meet, so every submission time
// belongs to exactly one weekday.
func listingWindow(day time.Time) window {
	end := prevWeekday(day)
	start := prevWeekday(end)
	return window{
		Start:     eastern(start, cutoffHour),
		End:       eastern(end, cutoffHour),
		Announced: eastern(day.AddDate(0, 0, -1), announceHour),
	}
}

// prevWeekday returns the last Monday-to-Friday day before d.
func prevWeekday(d time.Time) time.Time {
	d = d.AddDate(0, 0, -1)
	for d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
		d = d.AddDate(0, 0, -1)
	}
	return d
}

// eastern returns hour:00 US Eastern time on the calendar day d, in UTC.
// The rule is computed rather than loaded from the time zone database so
// that the binary needs no tzdata: daylight time runs from the second Sunday
// of March to the first Sunday of November (the US rule since 2007). Hours
// this package uses (14, 20) are never inside the 02:00 switch.
func eastern(d time.Time, hour int) time.Time {
	offset := 5 // EST, UTC-5
	if y := d.Year(); !d.Before(nthSunday(y, time.March, 2)) && d.Before(nthSunday(y, time.November, 1)) {
		offset = 4 // EDT, UTC-4
	}
	return time.Date(d.Year(), d.Month(), d.Day(), hour+offset, 0, 0, 0, time.UTC)
}

// nthSunday returns the n-th Sunday of the month, at midnight UTC.
func nthSunday(year int, month time.Month, n int) time.Time {
	first := time.Date(year, month, 1, 0, 0, 0, 0, time.UTC)
	days := (7 - int(first.Weekday())) % 7
	return first.AddDate(0, 0, days+7*(n-1))
}
