package bot_test

import (
	"testing"

	"paperboy/bot"
)

func TestReply_SharedBy(t *testing.T) {
	tests := []struct{ name, text, by, want string }{
		{"OK", "", "alice", "Shared by @alice."},
		{"AboveText", "No papers match.", "@bob ", "Shared by @bob.\nNo papers match."},
		{"Whitespace", "", "Ada\nLovelace", "Shared by @Ada Lovelace."},
		{"NoName", "x", "  ", "x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := (bot.Reply{Text: tt.text}).SharedBy(tt.by).Text; got != tt.want {
				t.Fatalf("Text=%q, want %q", got, tt.want)
			}
		})
	}
}
