package hf

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	"paperboy/bot"
	"paperboy/bot/text"
)

// legacyDayOffset shifts an item's outer publishedAt onto its Daily Papers
// day in data from before 2025-03, which has no submittedOnDailyAt. Then
// publishedAt was the time the paper was added to the list: 01:00–04:00 UTC
// on the day itself in the 2024-05-27 fixture, 22:00–23:59 UTC the evening
// before in the 2025-01-27 one. Two hours forward puts both on their day.
const legacyDayOffset = 2 * time.Hour

// hfPaperURL is the prefix of a paper's Hugging Face page.
const hfPaperURL = "https://huggingface.co/papers/"

// wireItem is one element of a /api/daily_papers array. Fields are raw so
// that a wrong type in one of them never rejects the whole item.
type wireItem struct {
	Paper       json.RawMessage `json:"paper"`
	Title       json.RawMessage `json:"title"`
	Summary     json.RawMessage `json:"summary"`
	Thumbnail   json.RawMessage `json:"thumbnail"`
	MediaURL    json.RawMessage `json:"mediaUrl"`
	PublishedAt json.RawMessage `json:"publishedAt"`
}

// wirePaper is the "paper" object of an item, and the body of
// /api/papers/{id}.
type wirePaper struct {
	ID                 json.RawMessage `json:"id"`
	Title              json.RawMessage `json:"title"`
	Summary            json.RawMessage `json:"summary"`
	Authors            json.RawMessage `json:"authors"`
	PublishedAt        json.RawMessage `json:"publishedAt"`
	SubmittedOnDailyAt json.RawMessage `json:"submittedOnDailyAt"`
	Upvotes            json.RawMessage `json:"upvotes"`
	ProjectPage        json.RawMessage `json:"projectPage"`
	GithubRepo         json.RawMessage `json:"githubRepo"`
	ThumbnailURL       json.RawMessage `json:"thumbnailUrl"`
	AISummary          json.RawMessage `json:"ai_summary"`
	AISummaryModel     json.RawMessage `json:"ai_summary_model"`
	AIKeywords         json.RawMessage `json:"ai_keywords"`
}

// wireAuthor is one element of paper.authors.
type wireAuthor struct {
	Name   json.RawMessage `json:"name"`
	Hidden json.RawMessage `json:"hidden"`
}

// fallback holds the outer fields of a daily_papers item that stand in for
// missing paper fields.
type fallback struct {
	title, summary, thumbnail string
	day                       string // the item's day when the paper has no submittedOnDailyAt
}

// decodeItem turns one daily_papers element into an Item. On failure it
// returns the Skip that explains why; n is the element's 1-based position.
func decodeItem(n int, raw json.RawMessage) (bot.Item, *bot.Skip) {
	where := fmt.Sprintf("item %d", n)
	if kind := jsonKind(raw); kind != "an object" {
		return bot.Item{}, &bot.Skip{Where: where, Reason: "is " + kind + ", not an object"}
	}
	var w wireItem
	if err := json.Unmarshal(raw, &w); err != nil {
		return bot.Item{}, &bot.Skip{Where: where, Reason: "unreadable JSON object"}
	}
	switch kind := jsonKind(w.Paper); kind {
	case "an object":
	case "missing":
		return bot.Item{}, &bot.Skip{Where: where, Reason: `has no "paper" object`}
	default:
		return bot.Item{}, &bot.Skip{Where: where, Reason: `"paper" is ` + kind + ", not an object"}
	}
	fb := fallback{
		title:     jsonString(w.Title),
		summary:   jsonString(w.Summary),
		thumbnail: firstNonEmpty(webURL(jsonString(w.Thumbnail)), webURL(jsonString(w.MediaURL))),
	}
	if t := jsonTime(w.PublishedAt); !t.IsZero() && t.Before(schemaWithDailyAt) {
		fb.day = dayOf(t.Add(legacyDayOffset))
	}
	return decodePaper(where, w.Paper, fb)
}

// decodePaper turns a paper object into an Item, using fb for fields the
// paper lacks. where names the record in a Skip.
func decodePaper(where string, raw json.RawMessage, fb fallback) (bot.Item, *bot.Skip) {
	var w wirePaper
	if err := json.Unmarshal(raw, &w); err != nil {
		return bot.Item{}, &bot.Skip{Where: where, Reason: "unreadable paper object"}
	}
	id, reason := paperID(w.ID)
	if label := strings.TrimSpace(rawText(w.ID)); label != "" && label != "null" {
		where += " (" + shorten(label, 40) + ")"
	}
	if reason != "" {
		return bot.Item{}, &bot.Skip{Where: where, Reason: reason}
	}
	p := bot.Paper{
		ID:       id,
		Title:    firstNonEmpty(jsonString(w.Title), fb.title),
		Abstract: firstNonEmpty(jsonString(w.Summary), fb.summary),
	}
	if p.Title == "" {
		return bot.Item{}, &bot.Skip{Where: where, Reason: "paper has no title"}
	}
	fillFields(&p, w, fb)
	p.Limit() // bot's limits, the same for every source
	return bot.Item{Paper: p, Date: firstNonEmpty(dayOf(jsonTime(w.SubmittedOnDailyAt)), fb.day)}, nil
}

// fillFields sets a paper's optional fields from the wire paper.
func fillFields(p *bot.Paper, w wirePaper, fb fallback) {
	p.Authors = authorNames(w.Authors)
	p.Published = jsonTime(w.PublishedAt)
	p.Upvotes = jsonCount(w.Upvotes)
	p.HFURL = hfPaperURL + p.ID
	p.Thumbnail = firstNonEmpty(fb.thumbnail, webURL(jsonString(w.ThumbnailURL)))
	p.AISummary = jsonString(w.AISummary)
	p.AISummaryModel = jsonString(w.AISummaryModel)
	p.Keywords = jsonStrings(w.AIKeywords)
	setRepoLinks(p, webURL(jsonString(w.GithubRepo)), webURL(jsonString(w.ProjectPage)))
	p.FillLinks()
}

// setRepoLinks sets the GitHub and project links. A project page on
// github.com is the code link when the paper names no repository, and a
// project page equal to the repository is not repeated.
func setRepoLinks(p *bot.Paper, repo, project string) {
	if repo == "" && isGitHub(project) {
		repo, project = project, ""
	}
	if strings.TrimSuffix(project, "/") == strings.TrimSuffix(repo, "/") {
		project = ""
	}
	p.GitHubURL, p.ProjectURL = repo, project
}

// paperID returns the canonical arXiv id held in raw, or the reason it
// cannot be used.
func paperID(raw json.RawMessage) (id, reason string) {
	switch kind := jsonKind(raw); kind {
	case "missing", "null":
		return "", "paper has no id"
	case "a number":
		return "", fmt.Sprintf("paper.id is the number %s, not a string; "+
			"numbers lose digits (2503.02130 becomes 2503.0213), so it cannot be trusted", shorten(rawText(raw), 40))
	case "a string":
	default:
		return "", "paper.id is " + kind + ", not a string"
	}
	s := jsonString(raw)
	if s == "" {
		return "", "paper has no id"
	}
	id, ok := bot.ParseArxivID(s)
	if !ok {
		return "", fmt.Sprintf("paper.id %q is not an arXiv id", shorten(s, 40))
	}
	return id, ""
}

// schemaWithDailyAt is when HF started sending submittedOnDailyAt; before
// it, the outer publishedAt gives the day (see legacyDayOffset).
var schemaWithDailyAt = time.Date(2025, 3, 17, 0, 0, 0, 0, time.UTC)

// authorNames returns the names of the visible authors, in order. Elements
// may be author objects or, leniently, plain strings.
func authorNames(raw json.RawMessage) []string {
	var elems []json.RawMessage
	if jsonKind(raw) != "an array" || json.Unmarshal(raw, &elems) != nil {
		return nil
	}
	names := make([]string, 0, len(elems))
	for _, e := range elems {
		if name := authorName(e); name != "" {
			names = append(names, name)
		}
	}
	return names
}

// authorName returns the name of one author element, or "" when it has none
// or is hidden.
func authorName(raw json.RawMessage) string {
	switch jsonKind(raw) {
	case "a string":
		return jsonString(raw)
	case "an object":
		var a wireAuthor
		if json.Unmarshal(raw, &a) != nil || string(bytes.TrimSpace(a.Hidden)) == "true" {
			return ""
		}
		return jsonString(a.Name)
	}
	return ""
}

// jsonKind names the kind of JSON value in raw, for Skip reasons.
func jsonKind(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "missing"
	}
	switch raw[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 'n':
		return "null"
	case 't', 'f':
		return "a boolean"
	}
	return "a number"
}

// jsonString returns the trimmed string in raw, or "" when raw is not a
// JSON string.
func jsonString(raw json.RawMessage) string {
	var s string
	if jsonKind(raw) != "a string" || json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return strings.TrimSpace(s)
}

// jsonStrings returns the non-empty strings of a JSON array, ignoring
// elements of any other kind.
func jsonStrings(raw json.RawMessage) []string {
	var elems []json.RawMessage
	if jsonKind(raw) != "an array" || json.Unmarshal(raw, &elems) != nil {
		return nil
	}
	var out []string
	for _, e := range elems {
		if s := jsonString(e); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// jsonCount returns the non-negative whole number in raw, or 0.
func jsonCount(raw json.RawMessage) int {
	if jsonKind(raw) != "a number" {
		return 0
	}
	f, err := strconv.ParseFloat(string(bytes.TrimSpace(raw)), 64)
	if err != nil || math.IsNaN(f) || f < 0 || f > math.MaxInt32 {
		return 0
	}
	return int(f)
}

// jsonTime returns the RFC 3339 time in raw, in UTC, or the zero time.
func jsonTime(raw json.RawMessage) time.Time {
	t, err := time.Parse(time.RFC3339Nano, jsonString(raw))
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

// dayOf returns t's calendar day in bot.DateLayout, or "" for the zero time.
func dayOf(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(bot.DateLayout)
}

// webURL returns s when it is an absolute http(s) URL with a host, else "".
// It keeps javascript: and other schemes out of chat embeds.
func webURL(s string) string {
	if !bot.IsHTTPURL(s) {
		return ""
	}
	return s
}

// isGitHub reports whether the URL points at github.com.
func isGitHub(s string) bool {
	u, err := url.Parse(s)
	if err != nil {
		return false
	}
	host := strings.ToLower(u.Hostname())
	return host == "github.com" || host == "www.github.com"
}

// rawText returns the text of a JSON string or the literal of any other
// value.
func rawText(raw json.RawMessage) string {
	if jsonKind(raw) == "a string" {
		return jsonString(raw)
	}
	return string(bytes.TrimSpace(raw))
}

// shorten cuts s to at most n bytes on a rune boundary, marking the cut.
func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return text.CutBytes(s, n) + "…"
}

// firstNonEmpty returns the first of its arguments that is not "".
func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
