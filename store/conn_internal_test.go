package store

import "testing"

func TestRebind(t *testing.T) {
	tests := []struct{ q, want string }{
		{"SELECT 1", "SELECT 1"},
		{"a = ? AND b = ?", "a = $1 AND b = $2"},
		{"?1, ?2, ?2", "$1, $2, $2"},
		{"x = '?' AND y = ?", "x = '?' AND y = $1"},
		{`"a?" = ? `, `"a?" = $1 `},
		{"?::jsonb", "$1::jsonb"},
	}
	for _, tt := range tests {
		if got := rebind(true, tt.q); got != tt.want {
			t.Errorf("rebind(%q)=%q, want %q", tt.q, got, tt.want)
		}
		if got := rebind(false, tt.q); got != tt.q {
			t.Errorf("rebind for SQLite changed %q to %q", tt.q, got)
		}
	}
}
