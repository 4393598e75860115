package main

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"paperboy/bot"
)

// health remembers how the last call to each dependency went (the source,
// the LLM, each chat platform), for /papers status. The metered wrappers
// feed it.
type health struct {
	mu   sync.Mutex
	last map[string]healthEntry
}

type healthEntry struct {
	at  time.Time
	err error
}

// record notes the outcome of a call to name.
func (h *health) record(name string, err error) {
	if h == nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.last == nil {
		h.last = map[string]healthEntry{}
	}
	h.last[name] = healthEntry{time.Now(), err}
}

// String describes every dependency in one line: "Health: hf ok (09:00 UTC);
// llm failing since 09:02 UTC: The LLM at … did not answer."
func (h *health) String() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.last) == 0 {
		return "Health: nothing called yet."
	}
	names := make([]string, 0, len(h.last))
	for name := range h.last {
		names = append(names, name)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, name := range names {
		e := h.last[name]
		at := e.at.UTC().Format("Mon 15:04 MST")
		switch bot.ErrorCode(e.err) {
		case "", bot.ENOBATCH, bot.ENOTFOUND:
			parts[i] = fmt.Sprintf("%s ok (%s)", name, at)
		default:
			parts[i] = fmt.Sprintf("%s failing (%s): %s", name, at, bot.ErrorMessage(e.err))
		}
	}
	return "Health: " + strings.Join(parts, "; ") + "."
}
