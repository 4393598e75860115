package bot

import (
	"cmp"
	"slices"
	"time"
)

// DateLayout is the layout of a batch date: a calendar day, "2006-01-02".
const DateLayout = time.DateOnly

// Batch is one day's list of papers from one source, ranked: the first paper
// is the day's top paper.
type Batch struct {
	// Date is the calendar day the batch belongs to ("2026-08-19"). A Batch
	// with an empty Date carries papers that belong to no day.
	Date   string  `json:"date"`
	Source string  `json:"source"`
	Papers []Paper `json:"papers"`
}

// Item is one paper read from a source or a file, with the day whose batch it
// belongs to when the data says so (HF's submittedOnDailyAt).
type Item struct {
	Paper Paper
	Date  string
	// Batches, read from paperboy's own export, are every day's batch the
	// paper was in, with its rank there; a restore puts it back in each.
	Batches []Membership
}

// Membership is a paper's place in one day's batch: the day, its rank there
// (0 is the day's top paper) and the batch's source.
type Membership struct {
	Date   string `json:"date"`
	Rank   int    `json:"rank"`
	Source string `json:"source,omitempty"`
}

// Skip describes one record of an input that could not be read. Where names
// the record ("item 3", "line 17", "entry 2 (2401.01335)"); Reason says what
// was wrong with it.
type Skip struct {
	Where  string
	Reason string
}

// SaveResult counts what a save did: papers stored for the first time,
// papers that were already stored and were refreshed, and papers that were
// already stored and were left as they were (Store.AddPapers).
type SaveResult struct {
	Added         int
	Updated       int
	AlreadyStored int
}

// ParseDate checks that s is a calendar date in DateLayout and returns it in
// canonical form. The error is an EINVALID *Error that says what to type.
func ParseDate(s string) (string, error) {
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return "", Errorf(EINVALID, "%q is not a date; use YYYY-MM-DD, e.g. 2026-08-19.", s)
	}
	return t.Format(DateLayout), nil
}

// IsWeekend reports whether the date (in DateLayout) is a Saturday or Sunday,
// the days Hugging Face and arXiv publish no batch.
func IsWeekend(date string) bool {
	t, err := time.Parse(DateLayout, date)
	if err != nil {
		return false
	}
	return t.Weekday() == time.Saturday || t.Weekday() == time.Sunday
}

// RankPapers orders papers for a day's batch: most upvotes first, then the
// newer paper, then by id so the order is stable.
func RankPapers(papers []Paper) {
	slices.SortStableFunc(papers, func(a, b Paper) int {
		if c := cmp.Compare(b.Upvotes, a.Upvotes); c != 0 {
			return c
		}
		if c := b.Published.Compare(a.Published); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
}
