package bot

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Window is a range of batch dates, both ends included (DateLayout). The
// zero Window is no range: every stored paper.
type Window struct {
	From, To string
	// Phrase is the words of the question that named the range.
	Phrase string
}

// IsZero reports whether w is no range.
func (w Window) IsZero() bool { return w.From == "" && w.To == "" }

// windowPattern finds a date phrase in a question: "today", "yesterday",
// "this week", "last week", "this month", "since Monday", "since
// 2026-08-17", "in the past 3 days", "on 2026-08-19". A word like "from" or
// "of" before it and "'s" after it belong to the phrase.
var windowPattern = regexp.MustCompile(`(?i)(?:\b(?:from|of|in|on|during)\s+)?\b(?:` +
	`(today|yesterday)|` +
	`(this|last|past)\s+(week|month)|` +
	`since\s+(monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|\d{4}-\d{2}-\d{2})|` +
	`(?:in\s+)?(?:the\s+)?(?:past|last)\s+(\d{1,2})\s+days|` +
	`(\d{4}-\d{2}-\d{2})` +
	`)(?:'s|’s)?\b`)

// spaceBeforePunct is what removing a phrase before a "?" leaves.
var spaceBeforePunct = regexp.MustCompile(`\s+([?!.,;:])`)

// ParseWindow finds a date phrase in text and returns the batch dates it
// names, relative to now in its location, with text without the phrase.
// Weeks start on Monday; "this week" runs from Monday to today. Text
// without a date phrase gives the zero Window and text unchanged.
func ParseWindow(text string, now time.Time) (Window, string) {
	m := windowPattern.FindStringSubmatchIndex(text)
	if m == nil {
		return Window{}, text
	}
	group := func(i int) string {
		if m[2*i] < 0 {
			return ""
		}
		return strings.ToLower(text[m[2*i]:m[2*i+1]])
	}
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	from, to := today, today
	switch {
	case group(1) == "yesterday":
		from, to = today.AddDate(0, 0, -1), today.AddDate(0, 0, -1)
	case group(1) == "today":
	case group(3) == "week":
		from = today.AddDate(0, 0, -daysSinceMonday(today))
		if group(2) == "last" {
			from, to = from.AddDate(0, 0, -7), from.AddDate(0, 0, -1)
		} else if group(2) == "past" {
			from = today.AddDate(0, 0, -6)
		}
	case group(3) == "month":
		from = time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, time.UTC)
		if group(2) == "last" {
			from, to = from.AddDate(0, -1, 0), from.AddDate(0, 0, -1)
		} else if group(2) == "past" {
			from = today.AddDate(0, -1, 1)
		}
	case group(4) != "":
		from = sinceDay(group(4), today)
	case group(5) != "":
		n, _ := strconv.Atoi(group(5))
		from = today.AddDate(0, 0, -max(n, 1)+1)
	case group(6) != "":
		d, err := time.Parse(DateLayout, group(6))
		if err != nil {
			return Window{}, text
		}
		from, to = d, d
	}
	rest := strings.Join(strings.Fields(text[:m[0]]+" "+text[m[1]:]), " ")
	rest = spaceBeforePunct.ReplaceAllString(rest, "$1")
	return Window{From: from.Format(DateLayout), To: to.Format(DateLayout), Phrase: strings.TrimSpace(text[m[0]:m[1]])}, rest
}

// daysSinceMonday counts the days from the Monday of t's week to t.
func daysSinceMonday(t time.Time) int { return (int(t.Weekday()) + 6) % 7 }

// sinceDay returns the day that "since word" starts on: a date, yesterday,
// or the latest such weekday on or before today.
func sinceDay(word string, today time.Time) time.Time {
	if d, err := time.Parse(DateLayout, word); err == nil {
		return d
	}
	if word == "yesterday" {
		return today.AddDate(0, 0, -1)
	}
	for i := range 7 {
		d := today.AddDate(0, 0, -i)
		if strings.EqualFold(d.Weekday().String(), word) {
			return d
		}
	}
	return today
}
