package bot_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"paperboy/bot"
	"paperboy/bot/bottest"
)

// readingEngine returns an engine with two stored papers and an empty
// reading list whose Discord thread "T1" is channel "C1"'s day thread.
func readingEngine(t *testing.T) (*bot.Engine, *bottest.ReadingList) {
	t.Helper()
	st := bottest.NewStore()
	published := time.Date(2026, 8, 18, 0, 0, 0, 0, time.UTC)
	if _, err := st.SaveBatch(context.Background(), bot.Batch{Date: "2026-08-19", Papers: []bot.Paper{
		{ID: "2608.00001", Title: "Graph transformers", Authors: []string{"Ada Lovelace"}, Published: published, Categories: []string{"cs.LG"}},
		{ID: "2608.00002", Title: "Diffusion {models} & 100% $x$"},
	}}); err != nil {
		t.Fatal(err)
	}
	rl := &bottest.ReadingList{Store: st, Threads: map[string]string{"discord T1": "C1"}}
	now := time.Date(2026, 8, 19, 12, 0, 0, 0, time.UTC)
	return &bot.Engine{Store: st, ReadingList: rl, Now: func() time.Time { return now }}, rl
}

// press runs cmd as user in channel and returns the reply's text.
func press(t *testing.T, e *bot.Engine, cmd bot.Command, channel, user string) string {
	t.Helper()
	cmd.Platform, cmd.Channel, cmd.User, cmd.UserName = "discord", channel, user, "@"+user+" name"
	r, err := e.Handle(context.Background(), cmd)
	if err != nil {
		t.Fatalf("%+v: %v", cmd, err)
	}
	if !r.Ephemeral {
		t.Fatalf("%+v: reply %+v is for everyone, want the presser only", cmd, r)
	}
	return r.Text
}

// kinds lists a channel's signals as "user kind paper".
func kinds(t *testing.T, rl *bottest.ReadingList, channel string) []string {
	t.Helper()
	signals, err := rl.ChannelSignals(context.Background(), "discord", channel)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, s := range signals {
		out = append(out, s.User+" "+s.Kind+" "+s.PaperID)
	}
	return out
}

func TestEngine_SaveButton(t *testing.T) {
	e, rl := readingEngine(t)
	save := bot.Command{Name: bot.CmdSave, Args: "2608.00001", Toggle: true}
	if got := press(t, e, save, "C1", "U1"); !strings.Contains(got, "Saved “Graph transformers”") {
		t.Fatalf("first press: %q", got)
	}
	press(t, e, save, "T1", "U2") // in the day's thread: counts for C1
	if got, want := kinds(t, rl, "C1"), []string{"U1 save 2608.00001", "U2 save 2608.00001"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("signals=%v, want %v", got, want)
	}
	if got := kinds(t, rl, "T1"); len(got) != 0 {
		t.Fatalf("the thread got signals of its own: %v", got)
	}
	if got := press(t, e, save, "C1", "U1"); !strings.Contains(got, "Took back your save") {
		t.Fatalf("second press: %q", got)
	}
	if got, want := kinds(t, rl, "C1"), []string{"U2 save 2608.00001"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("after undo: %v, want %v", got, want)
	}
	typed := bot.Command{Name: bot.CmdSave, Args: "https://arxiv.org/abs/2608.00001v2"}
	if got := press(t, e, typed, "C1", "U2"); !strings.Contains(got, "already") {
		t.Fatalf("typed save of a saved paper: %q", got)
	}
	if got := kinds(t, rl, "C1"); len(got) != 1 {
		t.Fatalf("a typed save again must not undo: %v", got)
	}
}

func TestEngine_NotForUs(t *testing.T) {
	e, rl := readingEngine(t)
	nope := bot.Command{Name: bot.CmdNotForUs, Args: "2608.00002", Toggle: true}
	if got := press(t, e, nope, "C1", "U1"); got != "Noted, fewer like this." {
		t.Fatalf("press: %q", got)
	}
	press(t, e, nope, "T1", "U2")
	if got, want := kinds(t, rl, "C1"), []string{"U1 not_for_us 2608.00002", "U2 not_for_us 2608.00002"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("signals=%v, want one per person: %v", got, want)
	}
	if got := press(t, e, nope, "C1", "U1"); !strings.Contains(got, "Undone") {
		t.Fatalf("second press: %q", got)
	}
	if got, want := kinds(t, rl, "C1"), []string{"U2 not_for_us 2608.00002"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("after undo: %v, want U2's mark alone (%v)", got, want)
	}
	// A mark is no save: the reading list stays empty.
	r, err := e.Handle(context.Background(), bot.Command{Name: bot.CmdSaved, Platform: "discord", Channel: "C1"})
	if err != nil || len(r.Cards) != 0 || !strings.Contains(r.Text, "empty") {
		t.Fatalf("saved=%+v, %v; want an empty list", r, err)
	}
}

func TestEngine_Unsave(t *testing.T) {
	e, rl := readingEngine(t)
	for _, u := range []string{"U1", "U2"} {
		press(t, e, bot.Command{Name: bot.CmdSave, Args: "2608.00001"}, "C1", u)
	}
	if got := press(t, e, bot.Command{Name: bot.CmdUnsave, Args: "2608.00001"}, "T1", "U3"); !strings.Contains(got, "Took “Graph transformers” off") {
		t.Fatalf("unsave: %q", got)
	}
	if got := kinds(t, rl, "C1"); len(got) != 0 {
		t.Fatalf("unsave left %v", got)
	}
	if got := press(t, e, bot.Command{Name: bot.CmdUnsave, Args: "2608.00001"}, "C1", "U3"); !strings.Contains(got, "not on this channel's reading list") {
		t.Fatalf("unsave again: %q", got)
	}
	if _, err := e.Handle(context.Background(), bot.Command{Name: bot.CmdUnsave, Args: "not a paper", Platform: "discord", Channel: "C1", User: "U1"}); bot.ErrorCode(err) != bot.EINVALID {
		t.Fatalf("unsave of garbage: err=%v, want EINVALID", err)
	}
}

func TestEngine_Saved(t *testing.T) {
	e, _ := readingEngine(t)
	e.PageSize = 1
	press(t, e, bot.Command{Name: bot.CmdSave, Args: "2608.00001"}, "C1", "U1")
	press(t, e, bot.Command{Name: bot.CmdSave, Args: "2608.00002"}, "C1", "U2")
	cmd, err := bot.ParseCommand("/papers saved")
	if err != nil {
		t.Fatal(err)
	}
	cmd.Platform, cmd.Channel = "discord", "T1"
	r, err := e.Handle(context.Background(), cmd)
	if err != nil || r.Title != "Reading list · 2 papers" || len(r.Cards) != 1 || r.Next == nil {
		t.Fatalf("saved=%+v, %v", r, err)
	}
	if c := r.Cards[0]; c.ID != "2608.00002" || c.Why != "saved by @U2 name on 2026-08-19" && c.Why != "saved by U2 name on 2026-08-19" {
		t.Fatalf("newest card=%+v", c)
	}
	next, err := bot.ParseCommand(r.Next.String())
	if err != nil || next.Page != 1 {
		t.Fatalf("next page %q parses to %+v, %v", r.Next.String(), next, err)
	}
	next.Platform, next.Channel = "discord", "C1"
	if r, err = e.Handle(context.Background(), next); err != nil || len(r.Cards) != 1 || r.Cards[0].ID != "2608.00001" || r.Next != nil {
		t.Fatalf("page 2=%+v, %v", r, err)
	}
}

func TestEngine_SavedBibTeX(t *testing.T) {
	e, _ := readingEngine(t)
	press(t, e, bot.Command{Name: bot.CmdSave, Args: "2608.00001"}, "C1", "U1")
	press(t, e, bot.Command{Name: bot.CmdSave, Args: "2608.00002"}, "C1", "U2")
	cmd, _ := bot.ParseCommand("papers saved bibtex")
	cmd.Platform, cmd.Channel = "discord", "C1"
	r, err := e.Handle(context.Background(), cmd)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"@misc{arXiv:2608.00002,", `title = {{Diffusion \{models\} \& 100\% x}}`, "url = {https://arxiv.org/abs/2608.00002}",
		"eprint = {2608.00001}", "archivePrefix = {arXiv}", "author = {Ada Lovelace}", "year = {2026}", "primaryClass = {cs.LG}"} {
		if !strings.Contains(r.Code, want) {
			t.Errorf("BibTeX lacks %q:\n%s", want, r.Code)
		}
	}
	if strings.Index(r.Code, "2608.00002") > strings.Index(r.Code, "2608.00001") || r.Next != nil || len(r.Code) > bot.MaxCodeLen {
		t.Errorf("want newest first, one page: %+v", r)
	}
}
