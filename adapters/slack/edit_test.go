package slack

import (
	"context"
	"strings"
	"testing"

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
