package bot

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Window is a range of batch dates, both ends included (DateLayout). An
// empty From or To leaves that end open. The zero Window is no range:
// every stored paper.
type Window struct {
	From, To string
	// Phrase is the words of the question that named the range.
	Phrase string
	// Unread is a date phrase that could not be read ("since Junly"): the
	// window is then zero, the other words are searched over every date,
	// and the reply says so.
	Unread string
}

// IsZero reports whether w is no range.
func (w Window) IsZero() bool { return w.From == "" && w.To == "" }

// Contains reports whether the batch date lies within w.
func (w Window) Contains(date string) bool {
	return (w.From == "" || date >= w.From) && (w.To == "" || date <= w.To)
}

// dateWord is one word of a question and where it is in the text.
type dateWord struct {
	w          string // lower case, without a trailing "'s"
	start, end int
}

// dateWordPattern splits a question into words; punctuation around them is
// not part of them, hyphens and slashes inside dates are.
var dateWordPattern = regexp.MustCompile(`[\pL\pN][\pL\pN'’/-]*`)

// ParseWindow finds the first date phrase in text and returns the batch
// dates it names, relative to now (its day in its location), with text
// without the phrase. It reads the phrases people write:
//
//	today, yesterday, this/last/past week|month|year, the past 3 days|weeks|months,
//	since Monday|June|2026-06-01, after 2026-06-01, before March, until May 2026,
//	in May 2026, in 2025, on 2026-08-13, between March and May 2026,
//	from 2025-03-01 to 2025-03-31, from March to May, a bare 2026-08-13.
//
// A month without a year is the latest such month that has begun; a year
// written once ("between March and May 2026") holds for both ends. Weeks
// start on Monday; "this week" runs from Monday to today, "past week" the
// last seven days. "After" and "before" leave out the day or month they
// name. Words that look like a date but cannot be read ("since Junly",
// "after 2026-13-01", see unreadable) give a zero Window with Unread set,
// and text without them: the rest is searched over every date. Text without a date phrase gives the zero Window and
// text unchanged.
func ParseWindow(text string, now time.Time) (Window, string) {
	words := splitDateWords(text)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	p := windowParser{text: text, words: words, today: today}
	for i := range words {
		from, to, end, ok := p.phrase(i)
		if !ok {
			if end := p.unreadable(i); end > 0 {
				rest, phrase := cutPhrase(text, words[i].start, words[end-1].end)
				return Window{Unread: phrase}, rest
			}
			continue
		}
		start := words[i].start
		if i > 0 && leadWords[words[i-1].w] && !rangeWords[words[i].w] {
			start = words[i-1].start
		}
		rest, phrase := cutPhrase(text, start, words[end-1].end)
		w := Window{Phrase: phrase}
		if !from.IsZero() {
			w.From = from.Format(DateLayout)
		}
		if !to.IsZero() {
			w.To = to.Format(DateLayout)
		}
		return w, rest
	}
	return Window{}, text
}

// cutPhrase returns text without text[start:end], and that phrase.
func cutPhrase(text string, start, end int) (rest, phrase string) {
	rest = strings.Join(strings.Fields(text[:start]+" "+text[end:]), " ")
	return spaceBeforePunct.ReplaceAllString(rest, "$1"), strings.Join(strings.Fields(text[start:end]), " ")
}

// spaceBeforePunct is what removing a phrase before a "?" leaves.
var spaceBeforePunct = regexp.MustCompile(`\s+([?!.,;:])`)

func splitDateWords(text string) []dateWord {
	var out []dateWord
	for _, m := range dateWordPattern.FindAllStringIndex(text, -1) {
		w := strings.ToLower(text[m[0]:m[1]])
		w = strings.TrimSuffix(strings.TrimSuffix(w, "'s"), "’s")
		out = append(out, dateWord{w: w, start: m[0], end: m[1]})
	}
	return out
}

// leadWords before a phrase belong to it ("of this week's", "in the past
// 3 days"); rangeWords start a phrase of their own.
var (
	leadWords  = setOf("of in on during from")
	rangeWords = setOf("since after before until till between from in on during")
)

// windowParser reads date phrases from the words of one question.
type windowParser struct {
	text  string
	words []dateWord
	today time.Time
}

// word returns the i-th word, or "" past the end.
func (p windowParser) word(i int) string {
	if i < 0 || i >= len(p.words) {
		return ""
	}
	return p.words[i].w
}

// phrase reads a date phrase starting at word i: its first and last day
// (zero for an open end) and the index after its last word.
func (p windowParser) phrase(i int) (from, to time.Time, end int, ok bool) {
	w := p.word(i)
	switch w {
	case "today":
		return p.today, p.today, i + 1, true
	case "yesterday":
		d := p.today.AddDate(0, 0, -1)
		return d, d, i + 1, true
	case "this", "last", "past", "the":
		return p.relative(i)
	case "since", "after", "before", "until", "till":
		return p.bound(i)
	case "between", "from":
		return p.between(i)
	case "in", "on", "during":
		if from, to, end, ok := p.span(i + 1); ok {
			return from, to, end, true
		}
		return p.relative(i + 1)
	}
	if d, err := time.Parse(DateLayout, w); err == nil {
		return d, d, i + 1, true
	}
	return time.Time{}, time.Time{}, 0, false
}

// relative reads "this week", "last month", "past year", "(the) past 3
// weeks" at word i.
func (p windowParser) relative(i int) (from, to time.Time, end int, ok bool) {
	which := p.word(i)
	if which == "the" {
		i++
		which = p.word(i)
	}
	if which != "this" && which != "last" && which != "past" {
		return time.Time{}, time.Time{}, 0, false
	}
	if n, err := strconv.Atoi(p.word(i + 1)); err == nil && which != "this" && n > 0 && n < 1000 {
		unit := strings.TrimSuffix(p.word(i+2), "s")
		if from, ok := p.back(unit, n); ok {
			return from, p.today, i + 3, true
		}
		return time.Time{}, time.Time{}, 0, false
	}
	unit := p.word(i + 1)
	var start time.Time
	switch unit {
	case "week":
		start = p.today.AddDate(0, 0, -daysSinceMonday(p.today))
	case "month":
		start = time.Date(p.today.Year(), p.today.Month(), 1, 0, 0, 0, 0, time.UTC)
	case "year":
		start = time.Date(p.today.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	default:
		return time.Time{}, time.Time{}, 0, false
	}
	switch which {
	case "last":
		prev := nextUnit(start, unit, -1)
		return prev, start.AddDate(0, 0, -1), i + 2, true
	case "past":
		from, _ := p.back(unit, 1)
		return from, p.today, i + 2, true
	}
	return start, p.today, i + 2, true
}

// back returns the first day of the n days, weeks, months or years that
// end today.
func (p windowParser) back(unit string, n int) (time.Time, bool) {
	switch unit {
	case "day":
		return p.today.AddDate(0, 0, 1-n), true
	case "week":
		return p.today.AddDate(0, 0, 1-7*n), true
	case "month":
		return p.today.AddDate(0, -n, 1), true
	case "year":
		return p.today.AddDate(-n, 0, 1), true
	}
	return time.Time{}, false
}

// nextUnit moves the first day of a week, month or year by n of them.
func nextUnit(start time.Time, unit string, n int) time.Time {
	switch unit {
	case "week":
		return start.AddDate(0, 0, 7*n)
	case "month":
		return start.AddDate(0, n, 0)
	}
	return start.AddDate(n, 0, 0)
}

// bound reads "since X", "after X", "before X", "until X" at word i.
func (p windowParser) bound(i int) (from, to time.Time, end int, ok bool) {
	a, b, end, ok := p.span(i + 1)
	if !ok {
		if d, ok := p.weekday(p.word(i + 1)); ok && p.word(i) == "since" {
			return d, p.today, i + 2, true
		}
		return time.Time{}, time.Time{}, 0, false
	}
	switch p.word(i) {
	case "since":
		return a, p.today, end, true
	case "after":
		return b.AddDate(0, 0, 1), p.today, end, true
	case "before":
		return time.Time{}, a.AddDate(0, 0, -1), end, true
	}
	return time.Time{}, b, end, true // until, till
}

// between reads "between X and Y" and "from X to Y" at word i, and "from
// X" alone as X.
func (p windowParser) between(i int) (from, to time.Time, end int, ok bool) {
	a, aTo, mid, ok := p.span(i + 1)
	if !ok {
		return time.Time{}, time.Time{}, 0, false
	}
	joint := p.word(mid)
	if joint != "and" && joint != "to" && joint != "until" && joint != "through" && joint != "till" {
		if p.word(i) == "from" {
			return a, aTo, mid, true
		}
		return time.Time{}, time.Time{}, 0, false
	}
	b0, b, end, ok := p.span(mid + 1)
	if !ok {
		return time.Time{}, time.Time{}, 0, false
	}
	if p.yearless(i+1) && !p.yearless(mid+1) { // "between March and May 2026"
		a = time.Date(b0.Year(), a.Month(), a.Day(), 0, 0, 0, 0, time.UTC)
		if a.After(b0) {
			a = a.AddDate(-1, 0, 0)
		}
	} else if a.After(b) {
		a = a.AddDate(-1, 0, 0)
	}
	return a, b, end, true
}

// yearless reports whether the span at word i is a month without a year.
func (p windowParser) yearless(i int) bool {
	_, isMonth := monthOf(p.word(i))
	next := p.word(i + 1)
	if _, err := strconv.Atoi(next); err == nil && len(next) <= 2 {
		next = p.word(i + 2) // "June 3 2026"
	}
	return isMonth && !isYear(next)
}

// span reads a day or a stretch of days at word i: 2026-06-01, June,
// June 2026, June 3, June 3 2026, 2025. It returns the first and last day
// and the index after it.
func (p windowParser) span(i int) (from, to time.Time, end int, ok bool) {
	w := p.word(i)
	if d, err := time.Parse(DateLayout, w); err == nil {
		return d, d, i + 1, true
	}
	switch w {
	case "today":
		return p.today, p.today, i + 1, true
	case "yesterday":
		d := p.today.AddDate(0, 0, -1)
		return d, d, i + 1, true
	}
	if isYear(w) {
		y, _ := strconv.Atoi(w)
		return time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC), i + 1, true
	}
	m, ok := monthOf(w)
	if !ok {
		return time.Time{}, time.Time{}, 0, false
	}
	end = i + 1
	day := 0
	if n, err := strconv.Atoi(p.word(end)); err == nil && n >= 1 && n <= 31 && len(p.word(end)) <= 2 {
		day, end = n, end+1
	}
	year := p.today.Year()
	if isYear(p.word(end)) {
		year, _ = strconv.Atoi(p.word(end))
		end++
	} else if m > p.today.Month() || m == p.today.Month() && day > p.today.Day() {
		year-- // the latest such month or day that has begun
	}
	first := time.Date(year, m, 1, 0, 0, 0, 0, time.UTC)
	if day > 0 {
		d := time.Date(year, m, day, 0, 0, 0, 0, time.UTC)
		if d.Month() != m { // "February 31"
			return time.Time{}, time.Time{}, 0, false
		}
		return d, d, end, true
	}
	return first, first.AddDate(0, 1, -1), end, true
}

// weekday returns the latest day on or before today that is the weekday
// named by w.
func (p windowParser) weekday(w string) (time.Time, bool) {
	for i := range 7 {
		d := p.today.AddDate(0, 0, -i)
		if strings.EqualFold(d.Weekday().String(), w) {
			return d, true
		}
	}
	return time.Time{}, false
}

// unreadable returns the index after the words at i when they look like
// a date phrase that phrase could not read, else 0: a range word and a
// date in digits that is no date ("after 2026-13-01"), or a near-miss of a
// month or weekday name after since, after, before, until or between
// ("since Junly"), or after in, on, from or during when a year follows
// ("in Junly 2026"): those words start too many phrases that are not dates.
func (p windowParser) unreadable(i int) int {
	if !rangeWords[p.word(i)] {
		return 0
	}
	next := p.word(i + 1)
	strong := strongRangeWords[p.word(i)] || isYear(p.word(i+2))
	if !dateDigits.MatchString(next) && !(strong && nearCalendarName(next)) {
		return 0
	}
	end := i + 2
	if isYear(p.word(end)) || dateDigits.MatchString(p.word(end)) {
		end++
	}
	return end
}

// strongRangeWords are the range words that rarely start anything but a
// date.
var strongRangeWords = setOf("since after before until till between")

// dateDigits is a date in digits, read or not: 2026-13-01, 3/14, 2026.
var dateDigits = regexp.MustCompile(`^\d{1,4}([-/.]\d{1,4}){1,2}$|^(19|20)\d\d$`)

// nearCalendarName reports whether w, five letters or more, is a near-miss
// of a month or weekday name ("Junly", "Wednsday").
func nearCalendarName(w string) bool {
	if len(w) < 5 {
		return false
	}
	for _, name := range calendarNames {
		if editDistanceAtMost2(w, name) {
			return true
		}
	}
	return false
}

var calendarNames = strings.Fields("january february march april june july august september october november december " +
	"monday tuesday wednesday thursday friday saturday sunday")

// editDistanceAtMost2 reports whether a and b (short words) are at most
// two insertions, deletions or substitutions apart.
func editDistanceAtMost2(a, b string) bool {
	if d := len(a) - len(b); d > 2 || d < -2 {
		return false
	}
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)] <= 2
}

// isYear reports whether w is a four-digit year from 1990 to 2099.
func isYear(w string) bool {
	y, err := strconv.Atoi(w)
	return err == nil && len(w) == 4 && y >= 1990 && y <= 2099
}

// monthOf reads a month's name or its abbreviation ("sep", "sept").
func monthOf(w string) (time.Month, bool) {
	w = strings.TrimSuffix(w, ".")
	if len(w) < 3 {
		return 0, false
	}
	for m := time.January; m <= time.December; m++ {
		name := strings.ToLower(m.String())
		if w == name || w == name[:3] || w == "sept" && m == time.September {
			return m, true
		}
	}
	return 0, false
}

// daysSinceMonday counts the days from the Monday of t's week to t.
func daysSinceMonday(t time.Time) int { return (int(t.Weekday()) + 6) % 7 }
