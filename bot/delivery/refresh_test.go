package delivery_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"paperboy/bot"
	"paperboy/bot/bottest"
	"paperboy/bot/delivery"
)

// refreshFixture delivers a day of two papers (A 10 votes, B 5) in a
// thread to slack C1, and returns the scheduler, whose source answers with
// *papers, and the chat.
func refreshFixture(t *testing.T, style string, papers *[]bot.Paper) (*delivery.Scheduler, *bottest.Chat) {
	t.Helper()
	ctx := context.Background()
	now := time.Date(2026, 8, 19, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	*papers = []bot.Paper{{ID: "2608.00001", Title: "A", Upvotes: 10}, {ID: "2608.00002", Title: "B", Upvotes: 5}}
	src := &bottest.Source{FetchFunc: func(_ context.Context, date string) (bot.Batch, error) {
		return bot.Batch{Date: date, Source: "fake", Papers: append([]bot.Paper(nil), *papers...)}, nil
	}}
	chat := &bottest.Chat{}
	engine := &bot.Engine{Store: bottest.NewStore(), Source: src, Now: clock}
	sub := bot.Subscription{Platform: "slack", Channel: "C1", Style: style, Since: "2026-08-20"}
	s := &delivery.Scheduler{
		Deliverer: &delivery.Deliverer{Engine: engine, Ledger: &bottest.Ledger{Now: clock},
			Chats: map[string]bot.Chat{"slack": chat}, Owner: "p1"},
		Subscriptions: subs(t, sub),
	}
	b, _, err := engine.Fetch(ctx, "2026-08-19")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Deliverer.Deliver(ctx, sub, b); err != nil {
		t.Fatal(err)
	}
	return s, chat
}

func TestScheduler_Refresh(t *testing.T) {
	ctx := context.Background()
	t.Run("EditsAndAddsLateOnce", func(t *testing.T) {
		var papers []bot.Paper
		s, chat := refreshFixture(t, bot.StyleThread, &papers)
		if n := len(chat.Messages()); n != 3 {
			t.Fatalf("%d messages posted, want header and two papers", n)
		}
		papers = []bot.Paper{{ID: "2608.00001", Title: "A", Upvotes: 10}, {ID: "2608.00002", Title: "B", Upvotes: 20},
			{ID: "2608.00003", Title: "Late C", Upvotes: 7}}
		for range 2 { // a second round changes nothing
			if _, err := s.Refresh(ctx, "2026-08-19"); err != nil {
				t.Fatal(err)
			}
		}
		msgs := chat.Messages()
		if len(msgs) != 4 {
			t.Fatalf("%d messages, want the late paper added once", len(msgs))
		}
		for _, m := range msgs[1:] {
			if m.Thread == "" {
				t.Fatalf("message %s (%s) outside the thread: a refresh never posts at the top", m.ID, m.Key)
			}
		}
		if late := msgs[3]; late.Key != "paperboy:2026-08-19:2608.00003" || late.Thread != msgs[0].Opened {
			t.Fatalf("late message %+v, want C in the day's thread", late)
		}
		header, a, b := msgs[0], msgs[1], msgs[2]
		if header.Edits != 1 || !strings.Contains(header.Reply.Title, "3 papers") || !strings.Contains(header.Reply.Text, "1. B (▲ 20)") {
			t.Fatalf("header edited %d times: %q / %q; want once, with the new count and order", header.Edits, header.Reply.Title, header.Reply.Text)
		}
		if b.Edits != 1 || b.Reply.Cards[0].Upvotes != 20 || b.Reply.Cards[0].Rank != 1 {
			t.Fatalf("B edited %d times to %+v, want once, at rank 1 with 20 votes", b.Edits, b.Reply.Cards)
		}
		if a.Edits != 1 || a.Reply.Cards[0].Rank != 2 {
			t.Fatalf("A edited %d times to %+v, want once, now rank 2", a.Edits, a.Reply.Cards)
		}
	})
	t.Run("Unchanged", func(t *testing.T) {
		var papers []bot.Paper
		s, chat := refreshFixture(t, bot.StyleThread, &papers)
		res, err := s.Refresh(ctx, "2026-08-19")
		if err != nil || len(res) != 1 || res[0].Edited != 0 {
			t.Fatalf("Refresh=%+v, %v; want one post looked at, nothing edited", res, err)
		}
		for _, m := range chat.Messages() {
			if m.Edits != 0 {
				t.Fatalf("message %s edited without a change", m.Key)
			}
		}
	})
	t.Run("Digest", func(t *testing.T) {
		var papers []bot.Paper
		s, chat := refreshFixture(t, bot.StyleDigest, &papers)
		papers = append(papers, bot.Paper{ID: "2608.00003", Title: "Late C", Upvotes: 70})
		if _, err := s.Refresh(ctx, "2026-08-19"); err != nil {
			t.Fatal(err)
		}
		msgs := chat.Messages()
		if len(msgs) != 1 || msgs[0].Edits != 1 || len(msgs[0].Reply.Cards) != 3 || msgs[0].Reply.Cards[0].ID != "2608.00003" {
			t.Fatalf("digest %+v, want the one message edited to lead with C", msgs)
		}
	})
	t.Run("GoneStops", func(t *testing.T) {
		var papers []bot.Paper
		s, chat := refreshFixture(t, bot.StyleThread, &papers)
		edits := 0
		chat.EditFunc = func(string, string, []string, bot.Post) error {
			edits++
			return bot.Errorf(bot.ENOTFOUND, "Unknown Channel")
		}
		papers[1].Upvotes = 50
		res, err := s.Refresh(ctx, "2026-08-19")
		if err != nil || len(res) != 1 || !res[0].Gone {
			t.Fatalf("Refresh=%+v, %v; want the post gone", res, err)
		}
		papers[1].Upvotes = 60
		if res, _ := s.Refresh(ctx, "2026-08-19"); len(res) != 0 || edits != 1 {
			t.Fatalf("a gone post was refreshed again (%d edits, %+v)", edits, res)
		}
	})
	t.Run("FailedEditIsQuiet", func(t *testing.T) {
		var papers []bot.Paper
		s, chat := refreshFixture(t, bot.StyleThread, &papers)
		chat.EditFunc = func(string, string, []string, bot.Post) error { return bot.Errorf(bot.EUNAVAILABLE, "503") }
		papers[1].Upvotes = 50
		res, err := s.Refresh(ctx, "2026-08-19")
		if err != nil || len(res) != 1 || res[0].Failed == 0 || res[0].Gone || len(chat.Messages()) != 3 {
			t.Fatalf("Refresh=%+v, %v, %d messages; want failed edits, no new message", res, err, len(chat.Messages()))
		}
	})
	t.Run("NothingPosted", func(t *testing.T) {
		var papers []bot.Paper
		s, _ := refreshFixture(t, bot.StyleThread, &papers)
		fetched := false
		s.Deliverer.Engine.Source = &bottest.Source{FetchFunc: func(context.Context, string) (bot.Batch, error) {
			fetched = true
			return bot.Batch{}, nil
		}}
		if res, err := s.Refresh(ctx, "2026-08-18"); err != nil || len(res) != 0 || fetched {
			t.Fatalf("Refresh of a day never posted: %+v, %v, fetched %v; want nothing", res, err, fetched)
		}
	})
}

// TestScheduler_RunRefreshes: Run refreshes a day's post every
// RefreshEvery within RefreshWindow after it went out, and not after.
func TestScheduler_RunRefreshes(t *testing.T) {
	var papers []bot.Paper
	s, chat := refreshFixture(t, bot.StyleThread, &papers)
	clock := bottest.NewClock(time.Date(2026, 8, 19, 9, 0, 0, 0, time.UTC)) // when the fixture's post went out
	s.Deliverer.Engine.Now = clock.Now
	s.Deliverer.Ledger.(*bottest.Ledger).Now = clock.Now
	s.ParseSchedule = func(string, string) (bot.Schedule, error) { return weekdaysAt9{}, nil }
	s.RefreshWindow = 6 * time.Hour
	papers[1].Upvotes = 50 // before Run starts: the source reads it
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	wake := make(chan chan time.Time)
	s.After = func(time.Duration) <-chan time.Time {
		ch := make(chan time.Time, 1)
		wake <- ch
		return ch
	}
	rounds := make(chan []delivery.Refreshed, 4)
	s.OnRefresh = func(_ string, res []delivery.Refreshed, _ error) { rounds <- res }
	done := make(chan error)
	go func() { done <- s.Run(ctx) }()
	step := func(d time.Duration) {
		ch := <-wake // Run waits: its round is over
		clock.Advance(d)
		ch <- clock.Now()
	}
	headerEdits := func() int { return chat.Messages()[0].Edits }
	step(bot.RefreshEvery + time.Minute) // the first round only started the refresh clock
	ch := <-wake                         // Run waits again
	if res := <-rounds; len(res) != 1 || headerEdits() != 1 {
		t.Fatalf("header edited %d times by 09:31, want once", headerEdits())
	}
	papers[1].Upvotes = 70 // Run is waiting: no round reads it now
	clock.Advance(7 * time.Hour)
	ch <- clock.Now()
	ch = <-wake // Run waited after 16:31, outside the window
	cancel()
	ch <- clock.Now()
	if err := <-done; err != nil { // Run returns once its refresh rounds are over
		t.Fatal(err)
	}
	if len(rounds) != 0 || headerEdits() != 1 {
		t.Fatalf("%d more rounds, header edited %d times; a post older than the window is not refreshed", len(rounds), headerEdits())
	}
}
