package main

import (
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/schollz/progressbar/v3"
)

// importProgress is the progress bar of a file import on a terminal: bytes
// read of the file's size with the time left, or a spinner when the size is
// unknown (stdin), and the records read with their rate. A nil
// *importProgress shows nothing, so callers need no checks.
type importProgress struct {
	bar   *progressbar.ProgressBar
	name  string
	read  func() int64 // bytes read so far
	st    *importStats
	start time.Time
}

// progressThrottle is the least time between two redraws of a bar; tests
// set it to 0 to see every update.
var progressThrottle = 100 * time.Millisecond

// newImportProgress starts a bar on w for the file name of size bytes (-1
// when unknown).
func newImportProgress(w io.Writer, name string, size int64, read func() int64, st *importStats) *importProgress {
	bar := progressbar.NewOptions64(size,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(filepath.Base(name)),
		progressbar.OptionShowBytes(true),
		progressbar.OptionShowCount(),
		progressbar.OptionSetWidth(20),
		progressbar.OptionThrottle(progressThrottle),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionSpinnerType(14),
		// No spinner goroutine: the bar moves when update is called.
		progressbar.OptionSetSpinnerChangeInterval(0),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionSetRenderBlankState(true),
	)
	return &importProgress{bar: bar, name: filepath.Base(name), read: read, st: st, start: time.Now()}
}

// update shows the bytes read and the records so far.
func (p *importProgress) update() {
	if p == nil {
		return
	}
	rate := float64(p.st.records) / max(time.Since(p.start).Seconds(), 1e-3)
	p.bar.Describe(fmt.Sprintf("%s: %d records, %.0f/s", p.name, p.st.records, rate))
	p.bar.Set64(p.read())
}

// describe replaces what the bar says, e.g. for a last step.
func (p *importProgress) describe(what string) {
	if p == nil {
		return
	}
	p.bar.Describe(fmt.Sprintf("%s: %d records, %s", p.name, p.st.records, what))
}

// clear erases the bar, e.g. before a warning; the next update redraws it.
func (p *importProgress) clear() {
	if p == nil {
		return
	}
	p.bar.Clear()
}

// finish completes the bar and erases it, before the summary line.
func (p *importProgress) finish() {
	if p == nil {
		return
	}
	p.bar.Finish()
	p.bar.Clear()
}
