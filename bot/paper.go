package bot

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// Paper is one research paper, as paperboy keeps it. Text fields hold the
// source's text as received (possibly with TeX and hard wraps); renderers run
// it through CleanTitle and CleanAbstract before display.
type Paper struct {
	// ID is the canonical arXiv id without a version suffix ("2401.01335",
	// "hep-th/9901001"), or a derived id ("x-…", see DerivedID) for papers
	// that have none.
	ID       string   `json:"id"`
	Title    string   `json:"title"`
	Abstract string   `json:"abstract,omitempty"`
	Authors  []string `json:"authors"`
	// Published is the first (v1) publication time; zero when unknown.
	Published time.Time `json:"published,omitzero"`
	// Upvotes are Hugging Face's cumulative upvotes; 0 when unknown.
	Upvotes int `json:"upvotes"`

	ArxivURL   string `json:"arxiv_url,omitempty"`
	PDFURL     string `json:"pdf_url,omitempty"`
	HFURL      string `json:"hf_url,omitempty"`
	GitHubURL  string `json:"github_url,omitempty"`
	ProjectURL string `json:"project_url,omitempty"`
	Thumbnail  string `json:"thumbnail,omitempty"`

	// AISummary is Hugging Face's one-sentence summary, and AISummaryModel
	// the model that wrote it, when HF has one.
	AISummary      string   `json:"ai_summary,omitempty"`
	AISummaryModel string   `json:"ai_summary_model,omitempty"`
	Keywords       []string `json:"keywords,omitempty"`
	Categories     []string `json:"categories,omitempty"`
}

// URL returns the best link to the paper's page: arXiv, then Hugging Face,
// then the project page. It is "" when the paper has no link at all.
func (p Paper) URL() string {
	for _, u := range []string{p.ArxivURL, p.HFURL, p.ProjectURL, p.GitHubURL} {
		if u != "" {
			return u
		}
	}
	return ""
}

// HasArxivID reports whether the paper's id is a real arXiv id rather than a
// derived one.
func (p Paper) HasArxivID() bool {
	_, ok := ParseArxivID(p.ID)
	return ok
}

// FillLinks sets the arXiv and PDF links from the id when the paper has a
// real arXiv id and the links are missing.
func (p *Paper) FillLinks() {
	if !p.HasArxivID() {
		return
	}
	if p.ArxivURL == "" {
		p.ArxivURL = "https://arxiv.org/abs/" + p.ID
	}
	if p.PDFURL == "" {
		p.PDFURL = "https://arxiv.org/pdf/" + p.ID
	}
}

// arxivID matches new-style (2401.01335, 0704.0001) and old-style
// (hep-th/9901001, math.AG/0601001) identifiers, with an optional version.
var arxivID = regexp.MustCompile(`^(?:(\d{4}\.\d{4,5})|([a-z][a-z\-]*(?:\.[A-Za-z]{2})?/\d{7}))(?:v\d+)?$`)

// ParseArxivID returns the canonical form of an arXiv id: no "arXiv:" prefix
// and no version suffix. It reports false when s is not an arXiv id.
func ParseArxivID(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) > 6 && strings.EqualFold(s[:6], "arxiv:") {
		s = s[6:]
	}
	m := arxivID.FindStringSubmatch(s)
	if m == nil {
		return "", false
	}
	if m[1] != "" {
		return m[1], true
	}
	return m[2], true
}

// ParsePaperRef turns what a user typed to name a paper into a canonical id.
// It accepts arXiv ids with or without version ("2401.01335v2",
// "hep-th/9901001"), arxiv.org abs/pdf/html URLs, huggingface.co/papers URLs
// and derived ids. It reports false for anything else.
func ParsePaperRef(s string) (string, bool) {
	s = strings.Trim(strings.TrimSpace(s), "<>")
	if id, ok := ParseArxivID(s); ok {
		return id, true
	}
	if derivedID.MatchString(s) {
		return s, true
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		if !strings.Contains(s, "://") && strings.Contains(s, "/") {
			if u, err = url.Parse("https://" + s); err != nil {
				return "", false
			}
		} else {
			return "", false
		}
	}
	host := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	path := strings.Trim(u.Path, "/")
	switch host {
	case "arxiv.org", "export.arxiv.org":
		for _, prefix := range []string{"abs/", "pdf/", "html/"} {
			if rest, ok := strings.CutPrefix(path, prefix); ok {
				return ParseArxivID(strings.TrimSuffix(rest, ".pdf"))
			}
		}
	case "huggingface.co", "hf.co":
		if rest, ok := strings.CutPrefix(path, "papers/"); ok {
			return ParseArxivID(rest)
		}
	}
	return "", false
}

// derivedID matches the ids made by DerivedID.
var derivedID = regexp.MustCompile(`^x-[0-9a-f]{16}$`)

// DerivedID returns a stable id for a paper that has no arXiv id, made from
// its title: the same title, however it is wrapped or cased, always gives the
// same id, so a re-import updates the paper instead of duplicating it.
func DerivedID(title string) string {
	norm := strings.ToLower(strings.Join(strings.Fields(title), " "))
	sum := sha256.Sum256([]byte(norm))
	return "x-" + hex.EncodeToString(sum[:8])
}
