package bot

import (
	"fmt"
	"log/slog"
	"maps"
	"runtime/debug"
	"sync"
)

// Recover is paperboy's one panic policy for work that input from outside
// starts (an interaction, a slash command, a console line, a scheduled
// delivery): one request must never stop the process. Defer it, directly,
// at the top of every goroutine that serves such input:
//
//	defer bot.Recover(log, "slack command", func() { /* answer with an error */ })
//
// When the goroutine panics, Recover logs the panic with its stack, counts
// it under where (Panics, which /metrics reports), runs answer (nil when
// nothing can be answered any more), and lets the goroutine end normally.
// A panic inside answer is logged and counted too, and goes no further.
func Recover(log *slog.Logger, where string, answer func()) {
	p := recover()
	if p == nil {
		return
	}
	recovered(log, where, p, debug.Stack())
	if answer == nil {
		return
	}
	defer Recover(log, where+": answering the panic", nil)
	answer()
}

// panics counts the panics recovered since the process started, by where.
var panics = struct {
	sync.Mutex
	n map[string]uint64
}{n: map[string]uint64{}}

// recovered logs and counts one recovered panic.
func recovered(log *slog.Logger, where string, p any, stack []byte) {
	if log == nil {
		log = slog.Default()
	}
	log.Error(where+" panicked; recovered, the process goes on", "where", where, "panic", fmt.Sprint(p), "stack", string(stack))
	panics.Lock()
	panics.n[where]++
	panics.Unlock()
}

// Panics returns how many panics Recover (and Answer, under "command")
// recovered since the process started, by where.
func Panics() map[string]uint64 {
	panics.Lock()
	defer panics.Unlock()
	return maps.Clone(panics.n)
}
