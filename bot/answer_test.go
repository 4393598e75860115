package bot_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"paperboy/bot"
	"paperboy/bot/bottest"
)

func TestAnswer(t *testing.T) {
	blocked := make(chan struct{})
	defer close(blocked)
	tests := []struct {
		name     string
		h        bottest.HandlerFunc
		timeout  time.Duration
		wantText string // in the reply's Text ("" means the reply of OK)
		wantErr  bool
		wantLog  string // in the log; "" means nothing may be logged
	}{
		{name: "OK", h: func(context.Context, bot.Command) (bot.Reply, error) {
			return bot.Reply{Title: "Daily Papers"}, nil
		}},
		{name: "UserError", h: func(context.Context, bot.Command) (bot.Reply, error) {
			return bot.Reply{}, bot.Errorf(bot.EINVALID, "Query must be at least 3 characters.")
		}, wantText: "Query must be at least 3 characters.", wantErr: true},
		{name: "InternalError", h: func(context.Context, bot.Command) (bot.Reply, error) {
			return bot.Reply{}, fmt.Errorf("search papers: %w", errors.New("disk I/O error"))
		}, wantText: "Internal error.", wantErr: true, wantLog: "disk I/O error"},
		{name: "Panic", h: func(context.Context, bot.Command) (bot.Reply, error) {
			panic("boom")
		}, wantText: "Internal error.", wantErr: true, wantLog: "command panicked"},
		{name: "TimeoutIgnoringContext", timeout: time.Millisecond, h: func(context.Context, bot.Command) (bot.Reply, error) {
			<-blocked
			return bot.Reply{Title: "late"}, nil
		}, wantText: bot.ErrTooSlow.Message, wantErr: true, wantLog: "command timed out"},
		{name: "TimeoutWrapped", timeout: time.Millisecond, h: func(ctx context.Context, _ bot.Command) (bot.Reply, error) {
			<-ctx.Done()
			return bot.Reply{}, fmt.Errorf("search papers: %w", ctx.Err())
		}, wantText: bot.ErrTooSlow.Message, wantErr: true, wantLog: "command timed out"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			log := slog.New(slog.NewTextHandler(&logs, nil))
			r := bot.Answer(context.Background(), tt.h, bot.Command{Name: bot.CmdSearch, Platform: "slack", Channel: "C1"}, tt.timeout, log)
			if got, want := r.Error, tt.wantErr; got != want {
				t.Fatalf("Error=%v, want %v (reply %+v)", got, want, r)
			}
			if tt.wantText != "" && !strings.Contains(r.Text, tt.wantText) {
				t.Fatalf("Text=%q, want it to contain %q", r.Text, tt.wantText)
			}
			if tt.wantText == "" && r.Title != "Daily Papers" {
				t.Fatalf("Title=%q, want the handler's reply", r.Title)
			}
			if tt.wantLog == "" && logs.Len() > 0 {
				t.Fatalf("logged %q, want nothing", logs.String())
			}
			if !strings.Contains(logs.String(), tt.wantLog) || (tt.wantLog != "" && !strings.Contains(logs.String(), "channel=C1")) {
				t.Fatalf("log %q lacks %q or the channel", logs.String(), tt.wantLog)
			}
		})
	}
}

// TestAnswer_CallerGaveUp checks that a context ended by the caller (an
// autocomplete window, a shutdown) gives the apology without a warning.
func TestAnswer_CallerGaveUp(t *testing.T) {
	var logs bytes.Buffer
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	h := bottest.HandlerFunc(func(ctx context.Context, _ bot.Command) (bot.Reply, error) {
		<-ctx.Done()
		return bot.Reply{}, ctx.Err()
	})
	r := bot.Answer(ctx, h, bot.Command{Name: bot.CmdSearch}, time.Hour, slog.New(slog.NewTextHandler(&logs, nil)))
	if !r.Error || !strings.Contains(r.Text, bot.ErrTooSlow.Message) {
		t.Fatalf("reply=%+v, want the apology", r)
	}
	if logs.Len() > 0 {
		t.Fatalf("logged %q, want nothing", logs.String())
	}
}
