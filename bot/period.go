package bot

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Period kinds: what one delivery of a subscription covers.
const (
	PeriodDay   = "day"
	PeriodWeek  = "week"
	PeriodMonth = "month"
)

// Period is a span of batch days: one ISO week (Monday to Sunday) or one
// calendar month.
type Period struct {
	Kind string
	// First and Last are the period's first and last days, in DateLayout.
	First, Last string
}

// PeriodOf returns the week or month (kind) that contains date. The error
// is an EINVALID *Error for a bad kind or date.
func PeriodOf(kind, date string) (Period, error) {
	t, err := time.Parse(DateLayout, date)
	if err != nil {
		return Period{}, Errorf(EINVALID, "%q is not a date; use YYYY-MM-DD, e.g. 2026-08-19.", date)
	}
	var first, last time.Time
	switch kind {
	case PeriodWeek:
		// ISO weeks start on Monday.
		first = t.AddDate(0, 0, -((int(t.Weekday()) + 6) % 7))
		last = first.AddDate(0, 0, 6)
	case PeriodMonth:
		first = time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
		last = first.AddDate(0, 1, -1)
	default:
		return Period{}, Errorf(EINVALID, "%q is not a period; use week or month.", kind)
	}
	return Period{Kind: kind, First: first.Format(DateLayout), Last: last.Format(DateLayout)}, nil
}

// ParsePeriodKind checks a period setting: "" and "day" mean PeriodDay.
func ParsePeriodKind(s string) (string, error) {
	switch k := strings.ToLower(strings.TrimSpace(s)); k {
	case "", PeriodDay:
		return PeriodDay, nil
	case PeriodWeek, PeriodMonth:
		return k, nil
	}
	return "", Errorf(EINVALID, "%q is not a period; use day, week or month.", shorten(s, 20))
}

// Name is the period as Hugging Face names it: "2026-W34" for an ISO week,
// "2026-08" for a month.
func (p Period) Name() string {
	t, _ := time.Parse(DateLayout, p.First)
	if p.Kind == PeriodWeek {
		y, w := t.ISOWeek()
		return fmt.Sprintf("%d-W%02d", y, w)
	}
	return t.Format("2006-01")
}

// Label is the period for people: "week 34 of 2026 (Mon 17 Aug – Sun 23
// Aug)" or "August 2026".
func (p Period) Label() string {
	t, _ := time.Parse(DateLayout, p.First)
	if p.Kind == PeriodWeek {
		l, _ := time.Parse(DateLayout, p.Last)
		y, w := t.ISOWeek()
		return fmt.Sprintf("week %d of %d (%s – %s)", w, y, t.Format("Mon 2 Jan"), l.Format("Mon 2 Jan"))
	}
	return t.Format("January 2006")
}

// Days returns the period's days in order, in DateLayout.
func (p Period) Days() []string {
	t, _ := time.Parse(DateLayout, p.First)
	var days []string
	for d := t.Format(DateLayout); d <= p.Last; d = t.Format(DateLayout) {
		days = append(days, d)
		t = t.AddDate(0, 0, 1)
	}
	return days
}

// MergeTop merges papers listed on several days into one list, one copy
// per paper: the copy with the most upvotes (a paper listed twice carries
// its later count), ranked like a day's batch (RankPapers).
func MergeTop(lists ...[]Paper) []Paper {
	var out []Paper
	at := map[string]int{}
	for _, papers := range lists {
		for _, p := range papers {
			i, ok := at[p.ID]
			switch {
			case !ok:
				at[p.ID] = len(out)
				out = append(out, p)
			case p.Upvotes > out[i].Upvotes:
				out[i] = p
			}
		}
	}
	RankPapers(out)
	return out
}

// PeriodTop is how many papers a week or month subscription gets when it
// sets no top.
const PeriodTop = 10

// PeriodBatch returns what a week or month subscription gets for the
// period (kind) containing date: the period's top papers (Top), as a batch
// dated the period's first day, and the Top they come from.
func (e *Engine) PeriodBatch(ctx context.Context, kind, date string) (Batch, Top, error) {
	top, err := e.Top(ctx, kind, date)
	if err != nil {
		return Batch{}, Top{}, err
	}
	return Batch{Date: top.Period.First, Source: "top-" + kind, Papers: top.Papers}, top, nil
}

// Default schedules of week and month subscriptions that set none.
const (
	// DefaultWeekSchedule is Fridays at 16:00: the week's list is nearly
	// complete, and the digest lands before the weekend.
	DefaultWeekSchedule = "0 16 * * 5"
	// DefaultMonthSchedule is the 1st at 09:00, for the month before.
	DefaultMonthSchedule = "0 9 1 * *"
)

// PeriodAt returns the week or month (kind) that a delivery scheduled at t
// covers: the one containing the day before t, in t's timezone. So a
// Friday delivery gets its own week, a Monday one the week before, and
// one on the 1st the month before.
func PeriodAt(kind string, t time.Time) (Period, error) {
	return PeriodOf(kind, t.AddDate(0, 0, -1).Format(DateLayout))
}

// PeriodSchedule returns the default schedule of a subscription with
// period kind: daily is the daily default, weeks and months have their own.
func PeriodSchedule(kind, daily string) string {
	switch kind {
	case PeriodWeek:
		return DefaultWeekSchedule
	case PeriodMonth:
		return DefaultMonthSchedule
	}
	return daily
}
