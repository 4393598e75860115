package bot_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"paperboy/bot"
	"paperboy/bot/bottest"
)

func TestPeriodOf(t *testing.T) {
	tests := []struct {
		name, kind, date         string
		first, last, period, lbl string
	}{
		{"Week", bot.PeriodWeek, "2026-08-19", "2026-08-17", "2026-08-23", "2026-W34", "week 34 of 2026 (Mon 17 Aug – Sun 23 Aug)"},
		{"WeekSunday", bot.PeriodWeek, "2026-08-23", "2026-08-17", "2026-08-23", "2026-W34", ""},
		{"WeekAcrossYears", bot.PeriodWeek, "2027-01-01", "2026-12-28", "2027-01-03", "2026-W53", ""},
		{"Month", bot.PeriodMonth, "2026-08-19", "2026-08-01", "2026-08-31", "2026-08", "August 2026"},
		{"February", bot.PeriodMonth, "2028-02-10", "2028-02-01", "2028-02-29", "2028-02", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := bot.PeriodOf(tt.kind, tt.date)
			if err != nil {
				t.Fatal(err)
			}
			if p.First != tt.first || p.Last != tt.last {
				t.Fatalf("period=%s..%s, want %s..%s", p.First, p.Last, tt.first, tt.last)
			}
			if got := p.Name(); got != tt.period {
				t.Fatalf("Name()=%q, want %q", got, tt.period)
			}
			if tt.lbl != "" && p.Label() != tt.lbl {
				t.Fatalf("Label()=%q, want %q", p.Label(), tt.lbl)
			}
			if days := p.Days(); days[0] != tt.first || days[len(days)-1] != tt.last {
				t.Fatalf("Days()=%v", days)
			}
		})
	}
	t.Run("ErrInvalid", func(t *testing.T) {
		for _, in := range [][2]string{{"year", "2026-08-19"}, {bot.PeriodWeek, "19.08.2026"}} {
			if _, err := bot.PeriodOf(in[0], in[1]); bot.ErrorCode(err) != bot.EINVALID {
				t.Fatalf("PeriodOf(%q, %q) err=%v, want EINVALID", in[0], in[1], err)
			}
		}
		if _, err := bot.ParsePeriodKind("fortnight"); bot.ErrorCode(err) != bot.EINVALID {
			t.Fatalf("ParsePeriodKind(fortnight) err=%v, want EINVALID", err)
		}
	})
}

func TestMergeTop(t *testing.T) {
	mon := []bot.Paper{{ID: "a", Upvotes: 5}, {ID: "b", Upvotes: 3}}
	tue := []bot.Paper{{ID: "b", Upvotes: 9}, {ID: "c", Upvotes: 5, Published: time.Date(2026, 8, 18, 0, 0, 0, 0, time.UTC)}}
	wed := []bot.Paper{{ID: "b", Upvotes: 7}}
	got := ids(bot.MergeTop(mon, tue, wed))
	// b: its highest count (9); c before a at 5 votes: the newer paper.
	if want := []string{"b", "c", "a"}; !slices.Equal(got, want) {
		t.Fatalf("MergeTop=%v, want %v", got, want)
	}
	if p := bot.MergeTop(mon, tue, wed)[0]; p.Upvotes != 9 {
		t.Fatalf("b has %d upvotes, want its highest count 9", p.Upvotes)
	}
}

func ids(papers []bot.Paper) []string {
	out := make([]string, len(papers))
	for i, p := range papers {
		out[i] = p.ID
	}
	return out
}

// topEngine stores batches on Mon 17 and Wed 19 Aug 2026 and runs on Thu 20
// Aug; the source answers with fetch (nil: no source).
func topEngine(t *testing.T, fetch func(ctx context.Context, date string) (bot.Batch, error)) *bot.Engine {
	t.Helper()
	st := bottest.NewStore()
	for _, b := range []bot.Batch{
		{Date: "2026-08-17", Papers: []bot.Paper{{ID: "2608.00001", Title: "Monday", Upvotes: 10}, {ID: "2608.00002", Title: "Twice", Upvotes: 4}}},
		{Date: "2026-08-19", Papers: []bot.Paper{{ID: "2608.00002", Title: "Twice", Upvotes: 30}}},
		{Date: "2026-08-10", Papers: []bot.Paper{{ID: "2608.00009", Title: "Last week", Upvotes: 99}}},
	} {
		if _, err := st.SaveBatch(context.Background(), b); err != nil {
			t.Fatal(err)
		}
	}
	e := &bot.Engine{Store: st, Now: func() time.Time { return time.Date(2026, 8, 20, 12, 0, 0, 0, time.UTC) }}
	if fetch != nil {
		e.Source = &bottest.Source{FetchFunc: fetch}
	}
	return e
}

func TestEngine_Top(t *testing.T) {
	ctx := context.Background()
	t.Run("FetchesMissingWeekdays", func(t *testing.T) {
		var asked []string
		e := topEngine(t, func(_ context.Context, date string) (bot.Batch, error) {
			asked = append(asked, date)
			if date == "2026-08-18" {
				return bot.Batch{Date: date, Papers: []bot.Paper{{ID: "2608.00003", Title: "Tuesday", Upvotes: 20}}}, nil
			}
			return bot.Batch{}, bot.Errorf(bot.ENOBATCH, "No papers yet.")
		})
		top, err := e.Top(ctx, bot.PeriodWeek, "2026-08-19")
		if err != nil {
			t.Fatal(err)
		}
		// Tue and Thu are weekdays up to today without a batch; Fri is
		// in the future, and the weekend is never asked.
		if want := []string{"2026-08-18", "2026-08-20"}; !slices.Equal(asked, want) {
			t.Fatalf("fetched %v, want %v", asked, want)
		}
		if want := []string{"2608.00002", "2608.00003", "2608.00001"}; !slices.Equal(ids(top.Papers), want) {
			t.Fatalf("papers=%v, want %v", ids(top.Papers), want)
		}
		if top.Note != "" || len(top.Missing) != 0 {
			t.Fatalf("Note=%q Missing=%v, want none", top.Note, top.Missing)
		}
	})
	t.Run("SourceDown", func(t *testing.T) {
		var calls atomic.Int32
		e := topEngine(t, func(context.Context, string) (bot.Batch, error) {
			calls.Add(1)
			return bot.Batch{}, bot.Errorf(bot.EUNAVAILABLE, "Hugging Face did not answer.")
		})
		top, err := e.Top(ctx, bot.PeriodWeek, "2026-08-19")
		if err != nil {
			t.Fatal(err)
		}
		if calls.Load() != 1 {
			t.Fatalf("source asked %d times, want once: a source that is down is not asked again", calls.Load())
		}
		if want := []string{"2026-08-18", "2026-08-20"}; !slices.Equal(top.Missing, want) {
			t.Fatalf("Missing=%v, want %v", top.Missing, want)
		}
		if !strings.Contains(top.Note, "not answering") || !strings.Contains(top.Note, "Tue 18 Aug 2026") {
			t.Fatalf("Note=%q, want the missing days and why", top.Note)
		}
		if want := []string{"2608.00002", "2608.00001"}; !slices.Equal(ids(top.Papers), want) {
			t.Fatalf("papers=%v, want the stored days' %v", ids(top.Papers), want)
		}
	})
	t.Run("Month", func(t *testing.T) {
		e := topEngine(t, nil)
		top, err := e.Top(ctx, bot.PeriodMonth, "2026-08-01")
		if err != nil {
			t.Fatal(err)
		}
		if got := top.Period.Name(); got != "2026-08" {
			t.Fatalf("period=%q", got)
		}
		if want := []string{"2608.00009", "2608.00002", "2608.00001"}; !slices.Equal(ids(top.Papers), want) {
			t.Fatalf("papers=%v, want %v", ids(top.Papers), want)
		}
		if !strings.Contains(top.Note, "no paper source") {
			t.Fatalf("Note=%q, want why days are missing", top.Note)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		e := topEngine(t, nil)
		if _, err := e.Top(ctx, "year", ""); bot.ErrorCode(err) != bot.EINVALID {
			t.Fatalf("err=%v, want EINVALID", err)
		}
	})
	t.Run("StoreError", func(t *testing.T) {
		e := topEngine(t, nil)
		e.Store = failingStore{e.Store}
		if _, err := e.Top(ctx, bot.PeriodWeek, ""); err == nil || bot.ErrorCode(err) != bot.EINTERNAL {
			t.Fatalf("err=%v, want the store's error", err)
		}
	})
}

type failingStore struct{ bot.Store }

func (failingStore) Batch(context.Context, string) (bot.Batch, error) {
	return bot.Batch{}, errors.New("disk on fire")
}

func TestEngine_HandleTop(t *testing.T) {
	ctx := context.Background()
	e := topEngine(t, nil)
	e.PageSize = 1
	cmd, err := bot.ParseCommand("/papers top week 2026-08-19")
	if err != nil {
		t.Fatal(err)
	}
	r, err := e.Handle(ctx, cmd)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(r.Title, "Top papers — week 34 of 2026") || len(r.Cards) != 1 || r.Cards[0].ID != "2608.00002" {
		t.Fatalf("reply %q with %d cards, want week 34's top paper", r.Title, len(r.Cards))
	}
	if r.Next == nil || r.Next.String() != "/papers top week 2026-08-17 page 2" {
		t.Fatalf("Next=%v, want the second page", r.Next)
	}
	if _, err := e.Handle(ctx, bot.Command{Name: bot.CmdTop, Args: "fortnight"}); bot.ErrorCode(err) != bot.EINVALID {
		t.Fatalf("err=%v, want EINVALID", err)
	}
}

func TestPeriodAt(t *testing.T) {
	tests := []struct {
		name, kind string
		at         time.Time
		want       string
	}{
		{"Friday", bot.PeriodWeek, time.Date(2026, 8, 21, 16, 0, 0, 0, time.UTC), "2026-W34"},
		{"Monday", bot.PeriodWeek, time.Date(2026, 8, 24, 9, 0, 0, 0, time.UTC), "2026-W34"},
		{"First", bot.PeriodMonth, time.Date(2026, 9, 1, 9, 0, 0, 0, time.UTC), "2026-08"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := bot.PeriodAt(tt.kind, tt.at)
			if err != nil || p.Name() != tt.want {
				t.Fatalf("PeriodAt=%q, %v; want %q", p.Name(), err, tt.want)
			}
		})
	}
}

func TestSubscribe_Period(t *testing.T) {
	ctx := context.Background()
	e, ss, _ := channelsEngine(t)
	r, err := e.Handle(ctx, bot.Command{Name: bot.CmdSubscribe, Args: "period=week top=5", Platform: "slack", Channel: "C9", Admin: true})
	if err != nil {
		t.Fatal(err)
	}
	sub, err := ss.Subscription(ctx, "slack", "C9")
	if err != nil || sub.Period != bot.PeriodWeek || sub.Schedule != bot.DefaultWeekSchedule {
		t.Fatalf("saved %+v, %v; want a week subscription on the week default", sub, err)
	}
	if !strings.Contains(r.Text, "Period: week (the top 5 of each") {
		t.Fatalf("reply %q does not say the period", r.Text)
	}
	r, err = e.Handle(ctx, bot.Command{Name: bot.CmdStatus, Platform: "slack", Channel: "C9"})
	if err != nil || !strings.Contains(r.Text, "Period: week") {
		t.Fatalf("status %q, %v; want the period", r.Text, err)
	}
	if _, err := e.Handle(ctx, bot.Command{Name: bot.CmdSubscribe, Args: "period=month at=08:00", Platform: "slack", Channel: "C9", Admin: true}); err != nil {
		t.Fatal(err)
	}
	if sub, _ := ss.Subscription(ctx, "slack", "C9"); sub.Schedule != "0 8 1 * *" {
		t.Fatalf("month at 08:00 is %q, want the 1st at 08:00", sub.Schedule)
	}
	for _, args := range []string{"period=fortnight", "period=week days=daily"} {
		if _, err := e.Handle(ctx, bot.Command{Name: bot.CmdSubscribe, Args: args, Platform: "slack", Channel: "C9", Admin: true}); bot.ErrorCode(err) != bot.EINVALID {
			t.Fatalf("%s: err=%v, want EINVALID", args, err)
		}
	}
}
