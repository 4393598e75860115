package store_test

import (
	"reflect"
	"testing"
	"time"

	"paperboy/bot"
	"paperboy/store"
)

// at returns a time on the test day, minutes after noon.
func at(minutes int) time.Time {
	return time.Date(2026, 8, 19, 12, minutes, 0, 0, time.UTC)
}

// mustSignal adds s and fails the test on an error or when added is not want.
func mustSignal(t *testing.T, db *store.DB, s bot.Signal, want bool) {
	t.Helper()
	added, err := db.AddSignal(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if added != want {
		t.Fatalf("AddSignal(%+v)=%v, want %v", s, added, want)
	}
}

func TestDB_AddSignal(t *testing.T) {
	eachEngine(t, func(t *testing.T, e engine) {
		db := e.open(t)
		save := bot.Signal{Platform: "slack", Channel: "C1", PaperID: "2608.00001", User: "U1", Name: "ada", Kind: bot.SignalSave, At: at(1)}
		mustSignal(t, db, save, true)
		again := save
		again.At, again.Name = at(5), "ada lovelace"
		mustSignal(t, db, again, false) // saving twice is one save
		nope := bot.Signal{Platform: "slack", Channel: "C1", PaperID: "2608.00001", User: "U2", Kind: bot.SignalNotForUs, At: at(2)}
		mustSignal(t, db, nope, true)
		mustSignal(t, db, bot.Signal{Platform: "slack", Channel: "C2", PaperID: "2608.00001", User: "U1", Kind: bot.SignalSave, At: at(3)}, true)
		mustSignal(t, db, bot.Signal{Platform: "discord", Channel: "C1", PaperID: "2608.00001", User: "U1", Kind: bot.SignalSave, At: at(0)}, true)

		got, err := db.ChannelSignals(ctx, "slack", "C1")
		if err != nil {
			t.Fatal(err)
		}
		if want := []bot.Signal{save, nope}; !reflect.DeepEqual(got, want) {
			t.Fatalf("ChannelSignals=%+v\nwant %+v", got, want)
		}
		if got, err := db.ChannelSignals(ctx, "email", "none@example.com"); err != nil || got == nil || len(got) != 0 {
			t.Fatalf("ChannelSignals of a quiet channel=%#v, %v; want an empty list", got, err)
		}
	})
}

func TestDB_AddSignal_Now(t *testing.T) {
	db := sqliteEngine.open(t)
	mustSignal(t, db, bot.Signal{Platform: "slack", Channel: "C1", PaperID: "2608.00001", User: "cli", Kind: bot.SignalSave}, true)
	got, err := db.ChannelSignals(ctx, "slack", "C1")
	if err != nil || len(got) != 1 || !got[0].At.Equal(db.Now()) {
		t.Fatalf("ChannelSignals=%+v, %v; want one signal at %v", got, err, db.Now())
	}
}

func TestDB_AddSignal_ErrInvalid(t *testing.T) {
	db := sqliteEngine.open(t)
	ok := bot.Signal{Platform: "slack", Channel: "C1", PaperID: "2608.00001", User: "U1", Kind: bot.SignalSave}
	for _, bad := range []func(*bot.Signal){
		func(s *bot.Signal) { s.Platform = "" },
		func(s *bot.Signal) { s.Channel = " " },
		func(s *bot.Signal) { s.PaperID = "" },
		func(s *bot.Signal) { s.User = "" },
		func(s *bot.Signal) { s.Kind = "like" },
		func(s *bot.Signal) { s.User = string(make([]byte, 201)) },
	} {
		s := ok
		bad(&s)
		if _, err := db.AddSignal(ctx, s); bot.ErrorCode(err) != bot.EINVALID {
			t.Errorf("AddSignal(%+v): err=%v, want EINVALID", s, err)
		}
	}
	if got, _ := db.ChannelSignals(ctx, "slack", "C1"); len(got) != 0 {
		t.Fatalf("invalid signals were kept: %+v", got)
	}
}

func TestDB_RemoveSignal(t *testing.T) {
	eachEngine(t, func(t *testing.T, e engine) {
		db := e.open(t)
		for i, user := range []string{"U1", "U2"} {
			mustSignal(t, db, bot.Signal{Platform: "slack", Channel: "C1", PaperID: "2608.00001", User: user, Kind: bot.SignalSave, At: at(i)}, true)
			mustSignal(t, db, bot.Signal{Platform: "slack", Channel: "C1", PaperID: "2608.00001", User: user, Kind: bot.SignalNotForUs, At: at(i)}, true)
		}
		remove := func(user, kind string, want int) {
			t.Helper()
			n, err := db.RemoveSignal(ctx, bot.Signal{Platform: "slack", Channel: "C1", PaperID: "2608.00001", User: user, Kind: kind})
			if err != nil || n != want {
				t.Fatalf("RemoveSignal(%s, %s)=%d, %v; want %d", user, kind, n, err, want)
			}
		}
		remove("U1", bot.SignalSave, 1)
		remove("U1", bot.SignalSave, 0) // undoing twice is fine
		remove("", bot.SignalNotForUs, 2)
		got, err := db.ChannelSignals(ctx, "slack", "C1")
		if err != nil || len(got) != 1 || got[0].User != "U2" || got[0].Kind != bot.SignalSave {
			t.Fatalf("ChannelSignals=%+v, %v; want U2's save alone", got, err)
		}
	})
}

func TestDB_SavedPapers(t *testing.T) {
	eachEngine(t, func(t *testing.T, e engine) {
		db := e.open(t)
		mustSave(t, db, bot.Batch{Date: "2026-08-19", Papers: []bot.Paper{
			{ID: "2608.00001", Title: "Graph transformers"}, {ID: "2608.00002", Title: "Diffusion"},
		}})
		add := func(paper, user, name, kind string, minute int) {
			mustSignal(t, db, bot.Signal{Platform: "slack", Channel: "C1", PaperID: paper, User: user, Name: name, Kind: kind, At: at(minute)}, true)
		}
		add("2608.00001", "U1", "ada", bot.SignalSave, 1)
		add("2608.00002", "U2", "", bot.SignalSave, 2)
		add("2608.00001", "U3", "grace", bot.SignalSave, 3) // a second saver does not move it up
		add("2699.99999", "cli", "", bot.SignalSave, 4)     // not stored yet
		add("2608.00002", "U1", "ada", bot.SignalNotForUs, 5)

		page, total, err := db.SavedPapers(ctx, "slack", "C1", 0, 2)
		if err != nil || total != 3 || len(page) != 2 {
			t.Fatalf("SavedPapers=%+v, %d, %v; want 2 of 3", page, total, err)
		}
		if p := page[0]; p.Paper.ID != "2699.99999" || !p.Pending || p.Paper.Title != "" || !reflect.DeepEqual(p.SavedBy, []string{"cli"}) {
			t.Errorf("newest=%+v, want the pending paper saved by cli", p)
		}
		if p := page[1]; p.Paper.Title != "Diffusion" || p.Pending || !p.SavedAt.Equal(at(2)) || !reflect.DeepEqual(p.SavedBy, []string{"U2"}) {
			t.Errorf("second=%+v, want Diffusion saved by U2 at %v", p, at(2))
		}
		page, _, err = db.SavedPapers(ctx, "slack", "C1", 2, 2)
		if err != nil || len(page) != 1 || page[0].Paper.Title != "Graph transformers" || !reflect.DeepEqual(page[0].SavedBy, []string{"ada", "grace"}) {
			t.Fatalf("page 2=%+v, %v; want Graph transformers saved by ada and grace", page, err)
		}
		if page, total, err := db.SavedPapers(ctx, "discord", "C1", 0, 10); err != nil || total != 0 || len(page) != 0 {
			t.Fatalf("SavedPapers of another channel=%+v, %d, %v; want none", page, total, err)
		}
		pending, err := db.PendingPapers(ctx)
		if err != nil || !reflect.DeepEqual(pending, []string{"2699.99999"}) {
			t.Fatalf("PendingPapers=%v, %v", pending, err)
		}
		mustSave(t, db, bot.Batch{Date: "2026-08-20", Papers: []bot.Paper{{ID: "2699.99999", Title: "Late"}}})
		if pending, err := db.PendingPapers(ctx); err != nil || len(pending) != 0 {
			t.Fatalf("PendingPapers after storing it=%v, %v; want none", pending, err)
		}
	})
}

func TestDB_ThreadChannel(t *testing.T) {
	eachEngine(t, func(t *testing.T, e engine) {
		db := e.open(t)
		for _, k := range []bot.DeliveryKey{
			{Platform: "discord", Channel: "111", Date: "2026-08-19"},
			{Platform: "discord", Channel: "222#week", Date: "2026-08-17"},
		} {
			d, err := db.Claim(ctx, k, "host/1", db.Now().Add(time.Minute))
			if err != nil {
				t.Fatal(err)
			}
			c := bot.Claim{DeliveryKey: k, Owner: "host/1", Token: d.Token}
			thread := "T" + k.Channel[:3]
			if err := db.Record(ctx, c, "paperboy:"+k.Date, bot.Sent{IDs: []string{"m" + thread}, Thread: thread}); err != nil {
				t.Fatal(err)
			}
		}
		for _, tt := range []struct{ platform, thread, want string }{
			{"discord", "T111", "111"}, {"discord", "T222", "222"}, {"slack", "T111", ""}, {"discord", "111", ""}, {"discord", "", ""},
		} {
			if got, err := db.ThreadChannel(ctx, tt.platform, tt.thread); err != nil || got != tt.want {
				t.Errorf("ThreadChannel(%s, %s)=%q, %v; want %q", tt.platform, tt.thread, got, err, tt.want)
			}
		}
	})
}
