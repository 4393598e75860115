package slack

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"paperboy/bot"
)

func TestEdit(t *testing.T) {
	ctx := context.Background()
	a, fake, _ := newSendAdapter(t)
	head, items := dailyPosts(t, 1)
	hs, err := a.Send(ctx, "C1", "", head)
	if err != nil {
		t.Fatal(err)
	}
	is, err := a.Send(ctx, "C1", hs.Thread, items[0])
	if err != nil {
		t.Fatal(err)
	}
	t.Run("OK", func(t *testing.T) {
		p := items[0]
		p.Reply.Cards[0].Upvotes = 999
		if err := a.Edit(ctx, "C1", hs.Thread, is.IDs, p); err != nil {
			t.Fatal(err)
		}
		if n := fake.calls("chat.update"); n != 1 {
			t.Fatalf("%d chat.update calls, want 1", n)
		}
		if n := fake.calls("chat.postMessage"); n != 2 {
			t.Fatalf("%d posts, want the 2 sends only: an edit never posts", n)
		}
		msgs := fake.messages()
		if got := msgs[1].form.Get("blocks"); !strings.Contains(got, "999") || msgs[1].ts != is.IDs[0] {
			t.Fatalf("the message shows %s, want the new count", got)
		}
		if sent, ok, err := a.Find(ctx, "C1", hs.Thread, p.Key); err != nil || !ok || sent.IDs[0] != is.IDs[0] {
			t.Fatalf("Find after the edit: %+v %v %v; the key must survive the edit", sent, ok, err)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		for _, tt := range []struct{ channel, ts string }{{"C1", "1.000001"}, {"CGONE", is.IDs[0]}} {
			if err := a.Edit(ctx, tt.channel, "", []string{tt.ts}, head); bot.ErrorCode(err) != bot.ENOTFOUND {
				t.Fatalf("Edit(%s, %s): err=%v, want ENOTFOUND", tt.channel, tt.ts, err)
			}
		}
	})
}

// TestEdit_WorkspaceLimit: edits to many channels go at chat.update's
// Tier 3 rate once its burst is spent, instead of bouncing off 429s.
func TestEdit_WorkspaceLimit(t *testing.T) {
	ctx := context.Background()
	a, fake, kit := newSendAdapter(t)
	head, _ := dailyPosts(t, 0)
	var ids []string
	for i := range 52 {
		sent, err := a.Send(ctx, fmt.Sprintf("C%d", i+1), "", head)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, sent.IDs[0])
	}
	kit.mu.Lock()
	kit.waits = nil
	kit.mu.Unlock()
	for i, id := range ids {
		if err := a.Edit(ctx, fmt.Sprintf("C%d", i+1), "", []string{id}, head); err != nil {
			t.Fatal(err)
		}
	}
	kit.mu.Lock()
	waits := slices.Clone(kit.waits)
	kit.mu.Unlock()
	// 50 go at once; the 51st and 52nd wait 1.2 s each. (One edit also
	// waits out its channel's pacing after the send just before.)
	limited := 0
	for _, w := range waits {
		if w == time.Minute/updatesPerMinute {
			limited++
		}
	}
	if limited != 2 {
		t.Fatalf("waits %v, want two of %v", waits, time.Minute/updatesPerMinute)
	}
	if n := fake.calls("chat.update"); n != 52 {
		t.Fatalf("%d updates, want 52 (no 429 retries)", n)
	}
}
