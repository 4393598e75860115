package discord

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"paperboy/bot"
)

func TestEdit(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, newEngine(t))
	posts := dailyPosts(t)
	header, err := e.a.Send(ctx, "100", "", posts[0])
	if err != nil {
		t.Fatal(err)
	}
	item, err := e.a.Send(ctx, "100", header.Thread, posts[1])
	if err != nil {
		t.Fatal(err)
	}
	t.Run("OK", func(t *testing.T) {
		p := posts[1]
		p.Reply.Cards[0].Upvotes, p.Reply.Cards[0].Rank = 999, 7
		if err := e.a.Edit(ctx, "100", header.Thread, item.IDs, p); err != nil {
			t.Fatal(err)
		}
		reqs := e.f.recordedRequests("PATCH", "/channels/"+header.Thread+"/messages/"+item.IDs[0])
		if len(reqs) != 1 {
			t.Fatalf("%d PATCH requests to the thread's message, want 1", len(reqs))
		}
		var body map[string]any
		if err := json.Unmarshal(reqs[0].Body, &body); err != nil {
			t.Fatal(err)
		}
		if _, ok := body["nonce"]; ok {
			t.Fatalf("edit body has a nonce: %s", reqs[0].Body)
		}
		if am, _ := json.Marshal(body["allowed_mentions"]); string(am) != `{"parse":[]}` {
			t.Fatalf("allowed_mentions=%s, want none: an edit never pings", am)
		}
		msgs := e.f.messages(header.Thread)
		if !strings.Contains(string(msgs[0].Embeds), "999") {
			t.Fatalf("the message shows %s, want the new count", msgs[0].Embeds)
		}
		// The key is still in the message, so a later Find sees the post.
		if sent, ok, err := e.a.Find(ctx, "100", header.Thread, p.Key); err != nil || !ok || sent.IDs[0] != item.IDs[0] {
			t.Fatalf("Find after the edit: %+v %v %v", sent, ok, err)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		for _, tt := range []struct{ channel, id string }{{"100", "123456"}, {"404404", item.IDs[0]}} {
			err := e.a.Edit(ctx, tt.channel, "", []string{tt.id}, posts[0])
			if bot.ErrorCode(err) != bot.ENOTFOUND {
				t.Fatalf("Edit(%s, %s): err=%v, want ENOTFOUND", tt.channel, tt.id, err)
			}
		}
	})
}
