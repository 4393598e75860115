package main

import (
	"encoding/json"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
)

// TestMain_PostWeek: post --date delivers to a weekly subscription the top
// papers of the week containing the day, once; --dry-run shows the period.
func TestMain_PostWeek(t *testing.T) {
	discord := &fakeDiscord{}
	dsrv := httptest.NewServer(discord)
	defer dsrv.Close()
	hf := httptest.NewServer(&fakeHF{asked: map[string]int{}})
	defer hf.Close()
	dir := t.TempDir()
	cfg := writeConfig(t, dir, `
source: {hf: {base_url: `+hf.URL+`}}
discord:
  token: test-token
  application_id: "111111111111111111"
  api_base_url: `+dsrv.URL+`
subscriptions:
  - {platform: discord, channel: "222222222222222222", period: week, top: 3, style: digest}
  - {platform: discord, channel: "333333333333333333", style: digest}
`)
	env := map[string]string{"PAPERBOY_CONFIG": cfg, "PAPERBOY_DB": filepath.Join(dir, "p.db")}
	mustRun(t, env, "import", "sample/daily_papers_2026-08-13.json", "sample/daily_papers_2026-08-19.json")
	var plan struct {
		Deliveries []struct {
			Channel, Period, Name, Date string
			Posts                       []struct {
				Key    string
				Papers []string
			}
		}
	}
	r := mustRun(t, env, "post", "--date", "2026-08-19", "--dry-run", "--json")
	if err := json.Unmarshal([]byte(r.stdout), &plan); err != nil || len(plan.Deliveries) != 2 {
		t.Fatalf("dry run %q: %v", r.stdout, err)
	}
	week := plan.Deliveries[1]
	if week.Period != "week" || week.Name != "2026-W34" || week.Date != "2026-08-17" || len(week.Posts) != 1 ||
		week.Posts[0].Key != "paperboy:week:2026-W34" || len(week.Posts[0].Papers) != 3 {
		t.Fatalf("weekly plan %+v, want week 2026-W34's top 3 in one digest", week)
	}
	if day := plan.Deliveries[0]; day.Period != "day" || day.Date != "2026-08-19" {
		t.Fatalf("daily plan %+v", day)
	}
	if r := mustRun(t, env, "post", "--date", "2026-08-19", "--dry-run"); !strings.Contains(r.stdout, "(digest, week 2026-W34): 1 posts") {
		t.Fatalf("dry run text lacks the period:\n%s", r.stdout)
	}
	mustRun(t, env, "post", "--date", "2026-08-19")
	if n := discord.count("222222222222222222"); n != 1 {
		t.Fatalf("weekly channel got %d messages, want 1", n)
	}
	// Another day of the same week: the week is sent already.
	r = mustRun(t, env, "post", "--date", "2026-08-19", "--json")
	if !strings.Contains(r.stdout, `"already sent"`) || discord.count("222222222222222222") != 1 {
		t.Fatalf("a rerun sent the week again:\n%s", r.stdout)
	}
	status := mustRun(t, env, "status").stdout
	if !strings.Contains(status, "Period: week") || !strings.Contains(status, "week 34 of 2026") {
		t.Fatalf("status lacks the period and its last delivery:\n%s", status)
	}
	bad := writeConfig(t, t.TempDir(), "subscriptions:\n  - {platform: slack, channel: C1, period: fortnight}\n")
	if r := runMain(t, nil, "", "--config", bad, "status"); r.code != 2 || !strings.Contains(r.stderr, "subscriptions[0].period") {
		t.Fatalf("bad period: exit %d %q", r.code, r.stderr)
	}
}
