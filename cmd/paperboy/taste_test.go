package main

import (
	"encoding/json"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
)

// A channel ranked by its interests gets the papers that match them first,
// each with its reason in posts[].why; a channel by upvotes gets none.
func TestMain_PostDryRunTaste(t *testing.T) {
	srv := httptest.NewServer(&fakeDiscord{})
	defer srv.Close()
	dir := t.TempDir()
	cfg := writeConfig(t, dir, discordYAML(srv.URL)+`
subscriptions:
  - platform: discord
    channel: "222222222222222222"
    style: digest
    top: 3
    rank: taste
    interests: "video generation and diffusion"
  - platform: discord
    channel: "333333333333333333"
    style: digest
    top: 3
`)
	env := map[string]string{"PAPERBOY_CONFIG": cfg, "PAPERBOY_DB": filepath.Join(dir, "p.db")}
	mustRun(t, env, "import", "sample/daily_papers_2026-08-19.json")
	r := mustRun(t, env, "post", "--dry-run", "--json", "--date", "2026-08-19")
	var plan struct {
		Deliveries []struct {
			Channel string
			Posts   []struct {
				Papers []string
				Why    map[string]string
			}
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &plan); err != nil || len(plan.Deliveries) != 2 {
		t.Fatalf("dry run: %v\n%s", err, r.stdout)
	}
	taste, plain := plan.Deliveries[0].Posts[0], plan.Deliveries[1].Posts[0]
	if len(taste.Papers) != 3 || len(taste.Why) != 3 {
		t.Fatalf("taste post: papers %v why %v, want a reason for each of 3", taste.Papers, taste.Why)
	}
	for _, id := range taste.Papers {
		if !strings.HasPrefix(taste.Why[id], "matches your interests: ") {
			t.Fatalf("why[%s]=%q", id, taste.Why[id])
		}
	}
	if plain.Why == nil || len(plain.Why) != 0 || strings.Join(plain.Papers, ",") == strings.Join(taste.Papers, ",") {
		t.Fatalf("upvotes post: papers %v why %v, want the upvote order and no reasons", plain.Papers, plain.Why)
	}
}

// A save from the command line turns a channel with rank auto to taste:
// its next plan says which saved paper each paper is like.
func TestMain_PostDryRunAfterSave(t *testing.T) {
	srv := httptest.NewServer(&fakeDiscord{})
	defer srv.Close()
	dir := t.TempDir()
	cfg := writeConfig(t, dir, discordYAML(srv.URL)+`
subscriptions:
  - platform: discord
    channel: "222222222222222222"
    style: digest
    top: 3
`)
	env := map[string]string{"PAPERBOY_CONFIG": cfg, "PAPERBOY_DB": filepath.Join(dir, "p.db")}
	mustRun(t, env, "import", "sample/daily_papers_2026-08-19.json")
	plan := func() (papers []string, why map[string]string) {
		r := mustRun(t, env, "post", "--dry-run", "--json", "--date", "2026-08-19")
		var p struct {
			Deliveries []struct {
				Posts []struct {
					Papers []string
					Why    map[string]string
				}
			}
		}
		if err := json.Unmarshal([]byte(r.stdout), &p); err != nil || len(p.Deliveries) != 1 {
			t.Fatalf("dry run: %v\n%s", err, r.stdout)
		}
		return p.Deliveries[0].Posts[0].Papers, p.Deliveries[0].Posts[0].Why
	}
	before, why := plan()
	if len(why) != 0 {
		t.Fatalf("reasons %v before any save", why)
	}
	last := before[len(before)-1]
	mustRun(t, env, "save", "--channel", "discord:222222222222222222", last)
	after, why := plan()
	if len(why) != len(after) {
		t.Fatalf("after a save: papers %v why %v, want a reason each", after, why)
	}
	for _, id := range after {
		if !strings.HasPrefix(why[id], "like “") {
			t.Fatalf("why[%s]=%q, want like the saved paper", id, why[id])
		}
	}
}
