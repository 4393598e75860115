package cite

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// Formats Read tells apart.
const (
	FormatBibTeX = "BibTeX"
	FormatCSL    = "CSL JSON"
	FormatList   = "list"
)

// MaxFileBytes is the largest export Read accepts.
const MaxFileBytes = 64 << 20

// Read reads an export in any of the formats and returns its entries and
// the format it found: CSL JSON when the text starts with '[' or '{',
// BibTeX when it has an @type{ entry, else a list of ids or links, one or
// more a line. The error says what is wrong with unreadable CSL JSON or a
// file over MaxFileBytes.
func Read(r io.Reader) ([]Ref, string, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileBytes+1))
	if err != nil {
		return nil, "", err
	}
	if len(data) > MaxFileBytes {
		return nil, "", fmt.Errorf("the file is over %d MiB; split it", MaxFileBytes>>20)
	}
	text := strings.TrimPrefix(string(data), "\ufeff")
	switch trimmed := strings.TrimSpace(text); {
	case strings.HasPrefix(trimmed, "[") || strings.HasPrefix(trimmed, "{"):
		refs, err := ReadCSL(strings.NewReader(trimmed))
		return refs, FormatCSL, err
	case bibEntry.MatchString(text):
		return ReadBibTeX(text), FormatBibTeX, nil
	}
	return ReadList(text), FormatList, nil
}

// bibEntry finds the start of a BibTeX entry.
var bibEntry = regexp.MustCompile(`(?m)^\s*@[A-Za-z]+\s*[{(]`)

// ReadBibTeX returns the entries of a BibTeX export. Fields that name an
// arXiv paper, as Zotero, Mendeley and JabRef write them: eprint (with
// archivePrefix or eprinttype arXiv, or an id on its own), arxiv and
// arxivid, url, doi (arXiv's DOIs are 10.48550/arXiv.<id>), and an
// "arXiv:<id>" in number, note, journal or howpublished.
func ReadBibTeX(text string) []Ref {
	var refs []Ref
	for _, e := range parseBibTeX(text) {
		f := e.fields
		var c []string
		for _, name := range []string{"eprint", "arxivid", "arxiv", "url", "doi", "number", "note", "journal", "howpublished"} {
			c = appendCandidates(c, f[name])
		}
		refs = append(refs, Ref{Key: e.key, Title: f["title"], Candidates: c})
	}
	return refs
}

// cslItem holds the fields of a CSL JSON item that may name an arXiv paper.
type cslItem struct {
	ID     any    `json:"id"`
	Title  string `json:"title"`
	URL    string `json:"URL"`
	DOI    string `json:"DOI"`
	Number any    `json:"number"`
	Note   string `json:"note"`
	Arch   string `json:"archive_location"`
	Contnr string `json:"container-title"`
}

// ReadCSL returns the items of a CSL JSON export (a list of items, or one
// item), looking for arXiv in URL, DOI, number, archive_location, note and
// container-title, as Zotero writes them.
func ReadCSL(r io.Reader) ([]Ref, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileBytes))
	if err != nil {
		return nil, err
	}
	var items []cslItem
	if err := json.Unmarshal(data, &items); err != nil {
		var one cslItem
		if err1 := json.Unmarshal(data, &one); err1 != nil {
			return nil, fmt.Errorf("not CSL JSON: %v", err)
		}
		items = []cslItem{one}
	}
	refs := make([]Ref, 0, min(len(items), MaxEntries))
	for _, it := range items[:min(len(items), MaxEntries)] {
		var c []string
		for _, v := range []string{it.URL, it.DOI, fmt.Sprint(orEmpty(it.Number)), it.Arch, it.Note, it.Contnr} {
			c = appendCandidates(c, v)
		}
		refs = append(refs, Ref{Key: fmt.Sprint(orEmpty(it.ID)), Title: it.Title, Candidates: c})
	}
	return refs, nil
}

// orEmpty is v, or "" for a missing (nil) JSON value.
func orEmpty(v any) any {
	if v == nil {
		return ""
	}
	return v
}

// ReadList returns one Ref per id or link of a plain list: words separated
// by spaces, commas or new lines; lines starting with '#' are comments.
func ReadList(text string) []Ref {
	var refs []Ref
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 0, 64<<10), maxValue)
	for sc.Scan() && len(refs) < MaxEntries {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "#") {
			continue
		}
		for _, w := range strings.FieldsFunc(line, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == ';' }) {
			refs = append(refs, Ref{Candidates: []string{w}})
		}
	}
	return refs
}

var (
	// arxivDOI is arXiv's DataCite DOI, as a DOI or a doi.org link.
	arxivDOI = regexp.MustCompile(`(?i)^(?:https?://(?:dx\.)?doi\.org/)?10\.48550/arxiv\.(\S+)$`)
	// arxivMention is "arXiv:<id>" inside free text ("arXiv:2401.01335 [cs]").
	arxivMention = regexp.MustCompile(`(?i)\barxiv:\s*([a-z\-]+(?:\.[a-z]{2})?/\d{7}|\d{4}\.\d{4,5})(v\d+)?`)
)

// appendCandidates adds what value may name: an arXiv DOI as arXiv:<id>,
// each arXiv:<id> mentioned in it, and the value itself.
func appendCandidates(c []string, value string) []string {
	value = strings.TrimSpace(strings.Trim(value, "{}"))
	if value == "" {
		return c
	}
	if m := arxivDOI.FindStringSubmatch(value); m != nil {
		return append(c, "arXiv:"+m[1])
	}
	for _, m := range arxivMention.FindAllStringSubmatch(value, 3) {
		c = append(c, "arXiv:"+m[1])
	}
	return append(c, value)
}
