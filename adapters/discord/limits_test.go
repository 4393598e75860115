package discord

import (
	"encoding/json"
	"net/url"
	"regexp"
	"testing"
)

// payload is any JSON body paperboy sends for a message, or an interaction
// response around one.
type payload struct {
	Type            *int               `json:"type"`
	Data            *payload           `json:"data"`
	Content         string             `json:"content"`
	Embeds          []payloadEmbed     `json:"embeds"`
	Components      []payloadComponent `json:"components"`
	AllowedMentions *payloadMentions   `json:"allowed_mentions"`
	Flags           int                `json:"flags"`
	Nonce           string             `json:"nonce"`
	Choices         []map[string]any   `json:"choices"`
}

type payloadMentions struct {
	Parse *[]string `json:"parse"`
}

type payloadEmbed struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	URL         string `json:"url"`
	Fields      []struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	} `json:"fields"`
	Footer    *struct{ Text string } `json:"footer"`
	Author    *struct{ Name string } `json:"author"`
	Thumbnail *struct{ URL string }  `json:"thumbnail"`
}

type payloadComponent struct {
	Type        int    `json:"type"`
	CustomID    string `json:"custom_id"`
	Label       string `json:"label"`
	Placeholder string `json:"placeholder"`
	MaxValues   int    `json:"max_values"`
	Options     []struct {
		Label string `json:"label"`
		Value string `json:"value"`
	} `json:"options"`
	Components []payloadComponent
}

// pings matches text that Discord would turn into a mention.
var pings = regexp.MustCompile(`(?i)@(everyone|here)|<@|<#|<t:|</`)

// checkLimits fails the test unless the payload (a message body or an
// interaction response) keeps every Discord limit, asks for no mentions,
// and has no text that could form a mention or a non-http(s) link.
func checkLimits(t *testing.T, raw json.RawMessage) {
	t.Helper()
	var p payload
	if err := json.Unmarshal(raw, &p); err != nil {
		t.Fatalf("payload %s: %v", raw, err)
	}
	if p.Type != nil {
		switch *p.Type {
		case 1:
			return
		case 8:
			checkChoices(t, p.Data)
			return
		}
		if p.Data == nil {
			t.Fatalf("interaction response type %d without data: %s", *p.Type, raw)
		}
		p = *p.Data
	}
	checkMessage(t, p, raw)
}

func checkMessage(t *testing.T, p payload, raw json.RawMessage) {
	t.Helper()
	if p.AllowedMentions == nil || p.AllowedMentions.Parse == nil || len(*p.AllowedMentions.Parse) != 0 {
		t.Errorf("allowed_mentions.parse is not [] in %s", raw)
	}
	within(t, "content", p.Content, maxContent)
	if len(p.Embeds) > maxEmbeds {
		t.Errorf("%d embeds", len(p.Embeds))
	}
	total := 0
	for _, e := range p.Embeds {
		total += checkEmbed(t, e)
	}
	if total > maxEmbedTotal {
		t.Errorf("embeds total %d characters, more than %d", total, maxEmbedTotal)
	}
	if len(p.Nonce) > 25 {
		t.Errorf("nonce %q longer than 25", p.Nonce)
	}
	checkComponents(t, p.Components)
}

// checkEmbed checks one embed and returns its size.
func checkEmbed(t *testing.T, e payloadEmbed) int {
	t.Helper()
	within(t, "title", e.Title, maxTitle)
	within(t, "description", e.Description, maxDescription)
	n := size(e.Title) + size(e.Description)
	if len(e.Fields) > maxFields {
		t.Errorf("%d fields", len(e.Fields))
	}
	for _, f := range e.Fields {
		within(t, "field name", f.Name, maxFieldName)
		within(t, "field value", f.Value, maxFieldValue)
		n += size(f.Name) + size(f.Value)
	}
	if e.Footer != nil {
		within(t, "footer", e.Footer.Text, maxFooter)
		n += size(e.Footer.Text)
	}
	if e.Author != nil {
		within(t, "author", e.Author.Name, maxAuthor)
		n += size(e.Author.Name)
	}
	checkURL(t, e.URL)
	if e.Thumbnail != nil {
		checkURL(t, e.Thumbnail.URL)
	}
	return n
}

func checkComponents(t *testing.T, rows []payloadComponent) {
	t.Helper()
	if len(rows) > maxRows {
		t.Errorf("%d component rows", len(rows))
	}
	ids := map[string]bool{}
	for _, row := range rows {
		if row.Type != 1 || len(row.Components) == 0 || len(row.Components) > maxRowLength {
			t.Errorf("bad action row: type %d with %d components", row.Type, len(row.Components))
		}
		for _, b := range row.Components {
			if b.Type == 3 {
				checkMenu(t, b, len(row.Components))
			} else if within(t, "button label", b.Label, 80); b.Type != 2 {
				t.Errorf("bad button %+v", b)
			}
			if b.CustomID == "" || len(b.CustomID) > 100 || ids[b.CustomID] {
				t.Errorf("bad custom id %+v", b)
			}
			ids[b.CustomID] = true
		}
	}
}

// checkMenu checks a string select menu: alone in its row, 1 to 25
// options with labels and values within 100, each value distinct.
func checkMenu(t *testing.T, m payloadComponent, inRow int) {
	t.Helper()
	within(t, "menu placeholder", m.Placeholder, 150)
	if inRow != 1 || len(m.Options) == 0 || len(m.Options) > 25 || m.MaxValues != 1 {
		t.Errorf("bad menu %+v in a row of %d", m, inRow)
	}
	values := map[string]bool{}
	for _, o := range m.Options {
		within(t, "option label", o.Label, 100)
		if o.Value == "" || len(o.Value) > 100 || values[o.Value] {
			t.Errorf("bad option %+v", o)
		}
		values[o.Value] = true
	}
}

func checkChoices(t *testing.T, p *payload) {
	t.Helper()
	if p == nil || p.Choices == nil || len(p.Choices) > maxChoices {
		t.Fatalf("bad autocomplete choices %+v", p)
	}
	for _, c := range p.Choices {
		name, _ := c["name"].(string)
		value, _ := c["value"].(string)
		within(t, "choice name", name, maxChoiceLen)
		if value == "" || len(value) > maxChoiceLen {
			t.Errorf("bad choice value %q", value)
		}
	}
}

// within checks a text's length and that it cannot ping.
func within(t *testing.T, what, s string, limit int) {
	t.Helper()
	if n := size(s); n > limit {
		t.Errorf("%s is %d characters, more than %d", what, n, limit)
	}
	if m := pings.FindString(s); m != "" {
		t.Errorf("%s contains %q: %.80q", what, m, s)
	}
}

func checkURL(t *testing.T, u string) {
	t.Helper()
	if u == "" {
		return
	}
	parsed, err := url.Parse(u)
	if err != nil || (parsed.Scheme != "http" && parsed.Scheme != "https") || len(u) > maxURL {
		t.Errorf("bad url %q", u)
	}
}
