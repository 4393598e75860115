package bot

import (
	"context"
	"fmt"
	"strings"
	"time"

	"paperboy/bot/text"
)

// TopFetchBudget bounds the time Top spends fetching a period's missing
// days from the source, so an unreachable source costs a command seconds,
// not a minute of retries per day.
const TopFetchBudget = 10 * time.Second

// Top is the best of a period: its papers from every stored day batch,
// merged and ranked (MergeTop).
type Top struct {
	Period Period
	Papers []Paper
	// Days are the days that had a batch, in order.
	Days []string
	// Missing are the weekdays up to today without a batch that the source
	// could not give (it failed, or was not asked because it had failed);
	// Note says why, for people.
	Missing []string
	Note    string
}

// Top returns the best papers of the week or month (kind) that contains
// date ("" means today in the engine's Location), from the stored batches.
// Weekdays up to today that have no stored batch are fetched from the
// source first, while it answers and within TopFetchBudget; when it does
// not, the stored batches are used and Note says so. The error has code
// EINVALID for a bad kind or date.
func (e *Engine) Top(ctx context.Context, kind, date string) (Top, error) {
	day, err := e.Day(date)
	if err != nil {
		return Top{}, err
	}
	p, err := PeriodOf(kind, day)
	if err != nil {
		return Top{}, err
	}
	top := Top{Period: p}
	today := e.now().In(e.location()).Format(DateLayout)
	fctx, cancel := context.WithTimeout(ctx, TopFetchBudget)
	defer cancel()
	var lists [][]Paper
	var down error
	for _, d := range p.Days() {
		b, err := e.Store.Batch(ctx, d)
		switch {
		case err == nil && b.Date == d:
		case err != nil && ErrorCode(err) != ENOTFOUND:
			return Top{}, fmt.Errorf("read batch %s: %w", d, err)
		case d > today || IsWeekend(d):
			continue
		case e.Source == nil || down != nil:
			top.Missing = append(top.Missing, d)
			continue
		default:
			if b, _, err = e.Fetch(fctx, d); err != nil {
				if ErrorCode(err) != ENOBATCH {
					down = err
					top.Missing = append(top.Missing, d)
				}
				continue
			}
		}
		top.Days = append(top.Days, d)
		lists = append(lists, b.Papers)
	}
	top.Papers = MergeTop(lists...)
	top.Note = missingNote(top.Missing, down, e.Source == nil)
	return top, nil
}

// missingNote says which days the top leaves out, and why.
func missingNote(missing []string, down error, noSource bool) string {
	if len(missing) == 0 {
		return ""
	}
	days := make([]string, len(missing))
	for i, d := range missing {
		days[i] = FormatDay(d)
	}
	if len(days) > 3 {
		days = []string{fmt.Sprintf("%d weekdays (%s … %s)", len(days), days[0], days[len(days)-1])}
	}
	why := "no paper source is configured"
	if !noSource {
		why = "the paper source is not answering"
		if down != nil && ErrorCode(down) != EINTERNAL {
			why += " (" + strings.TrimSuffix(ErrorMessage(down), ".") + ")"
		}
	}
	return fmt.Sprintf("Without %s: not stored, and %s; this is the best of the stored days.", strings.Join(days, ", "), why)
}

// topUsage says how to ask for /papers top.
const topUsage = "Use /papers top week or /papers top month, optionally with a day in the period: /papers top month 2026-08-19."

func (e *Engine) handleTop(ctx context.Context, cmd Command) (Reply, error) {
	kind, date := PeriodWeek, ""
	for _, f := range strings.Fields(cmd.Args) {
		switch l := strings.ToLower(f); {
		case l == PeriodWeek || l == PeriodMonth:
			kind = l
		case date == "":
			date = f
		default:
			return Reply{}, Errorf(EINVALID, "%q is not a period or a day. %s", shorten(f, 30), topUsage)
		}
	}
	top, err := e.Top(ctx, kind, date)
	if ErrorCode(err) == EINVALID {
		return Reply{}, Errorf(EINVALID, "%s %s", ErrorMessage(err), topUsage)
	} else if err != nil {
		return Reply{}, err
	}
	r := Reply{Title: fmt.Sprintf("Top papers — %s · %s", top.Period.Label(), text.Plural(len(top.Papers), "paper")), Text: top.Note}
	if len(top.Days) == 0 {
		r.Text = strings.TrimSpace("No batch is stored for " + top.Period.Label() + ". " + top.Note)
	}
	var more bool
	if r.Cards, more = e.pageCards(ctx, top.Papers, cmd.Page); more {
		r.Next = &Command{Name: CmdTop, Args: kind + " " + top.Period.First, Page: cmd.Page + 1}
	}
	return r, nil
}
