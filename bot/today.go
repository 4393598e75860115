package bot

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"paperboy/bot/text"
)

// Today returns the batch for date (DateLayout), or for today in the
// engine's Location when date is "". When that day has no stored batch it
// returns the newest earlier one; compare Batch.Date with the day asked for.
// The error has code EINVALID for a malformed date and ENOTFOUND when no
// batch at all is stored on or before the day.
func (e *Engine) Today(ctx context.Context, date string) (Batch, error) {
	day, err := e.Day(date)
	if err != nil {
		return Batch{}, err
	}
	b, err := e.Store.Batch(ctx, day)
	if ErrorCode(err) == ENOTFOUND {
		return Batch{}, Errorf(ENOTFOUND, "No papers stored for %s or before; run `paperboy fetch` or `paperboy import`.", day)
	}
	// Upvotes keep rising after a batch is ranked, and a paper listed on
	// two days carries its latest count on both: order by the current
	// count, keeping the stored rank among equals (arXiv has no upvotes).
	slices.SortStableFunc(b.Papers, func(x, y Paper) int { return cmp.Compare(y.Upvotes, x.Upvotes) })
	return b, err
}

// Day validates a date argument and returns it in canonical form; "" means
// today in the engine's Location.
func (e *Engine) Day(date string) (string, error) {
	if date == "" {
		return e.now().In(e.location()).Format(DateLayout), nil
	}
	return ParseDate(date)
}

func (e *Engine) handleToday(ctx context.Context, cmd Command) (Reply, error) {
	day, err := e.Day(cmd.Args)
	if err != nil {
		return Reply{}, err
	}
	b, err := e.Today(ctx, day)
	if err != nil {
		return Reply{}, err
	}
	r := Reply{Title: fmt.Sprintf("Daily Papers — %s · %s", FormatDay(b.Date), text.Plural(len(b.Papers), "paper"))}
	if b.Date != day {
		r.Text = fmt.Sprintf("No batch for %s%s; showing the latest, %s.", FormatDay(day), whyNoBatch(day), FormatDay(b.Date))
	}
	var more bool
	if r.Cards, more = e.pageCards(ctx, b.Papers, cmd.Page); more {
		r.Next = &Command{Name: CmdToday, Args: b.Date, Page: cmd.Page + 1}
	}
	return r, nil
}

// pageCards returns the cards of one page (0-based) of a ranked list, with
// the TL;DRs at hand, and whether more pages follow.
func (e *Engine) pageCards(ctx context.Context, papers []Paper, page int) ([]Card, bool) {
	start, end := pageBounds(page, e.pageSize(), len(papers))
	if start == end {
		return nil, false
	}
	return e.cardsOf(ctx, start+1, papers[start:end]), end < len(papers)
}

// whyNoBatch explains a missing batch when the calendar does.
func whyNoBatch(day string) string {
	if IsWeekend(day) {
		return " (no papers are published on weekends)"
	}
	return ""
}

// FormatDay formats a batch date for people: "Wed 19 Aug 2026".
func FormatDay(date string) string {
	t, err := time.Parse(DateLayout, date)
	if err != nil {
		return date
	}
	return t.Format("Mon 2 Jan 2006")
}

// pageBounds returns the slice bounds of page (0-based) of n items.
func pageBounds(page, size, n int) (start, end int) {
	start = min(max(page, 0)*size, n)
	return start, min(start+size, n)
}
