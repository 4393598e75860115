package bottest

import (
	"bufio"
	"encoding/json"
	"io"
	"strings"
	"time"
)

// snapshotRecord is one line of arXiv's metadata snapshot (Kaggle's
// arxiv-metadata-oai-snapshot.json), every field in the snapshot's order.
type snapshotRecord struct {
	ID            string            `json:"id"`
	Submitter     string            `json:"submitter"`
	Authors       string            `json:"authors"`
	Title         string            `json:"title"`
	Comments      string            `json:"comments"`
	JournalRef    *string           `json:"journal-ref"`
	DOI           *string           `json:"doi"`
	ReportNo      *string           `json:"report-no"`
	Categories    string            `json:"categories"`
	License       *string           `json:"license"`
	Abstract      string            `json:"abstract"`
	Versions      []snapshotVersion `json:"versions"`
	UpdateDate    string            `json:"update_date"`
	AuthorsParsed [][]string        `json:"authors_parsed"`
}

type snapshotVersion struct {
	Version string `json:"version"`
	Created string `json:"created"`
}

// WriteSnapshot writes the papers of Corpus(seed, n) as arXiv's metadata
// snapshot: JSON Lines with the snapshot's fields, abstracts wrapped and
// indented as arXiv stores them. It streams, so n can be millions.
func WriteSnapshot(w io.Writer, seed int64, n int) error {
	bw := bufio.NewWriterSize(w, 256<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	license := "http://arxiv.org/licenses/nonexclusive-distrib/1.0/"
	for p := range CorpusSeq(seed, n) {
		parsed := make([][]string, len(p.Authors))
		for i, a := range p.Authors {
			first, last, _ := strings.Cut(a, " ")
			parsed[i] = []string{last, first, ""}
		}
		rec := snapshotRecord{
			ID:         p.ID,
			Submitter:  p.Authors[0],
			Authors:    strings.Join(p.Authors, ", "),
			Title:      p.Title,
			Comments:   "12 pages, 4 figures",
			Categories: strings.Join(p.Categories, " "),
			License:    &license,
			Abstract:   "  " + wrap(p.Abstract, 80) + "\n",
			Versions: []snapshotVersion{
				{Version: "v1", Created: p.Published.Format(time.RFC1123)},
			},
			UpdateDate:    p.Published.Format("2006-01-02"),
			AuthorsParsed: parsed,
		}
		if err := enc.Encode(rec); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// wrap breaks text into lines of at most width bytes at spaces, as the
// snapshot's abstracts are.
func wrap(text string, width int) string {
	var b strings.Builder
	line := 0
	for i, w := range strings.Fields(text) {
		if i > 0 {
			if line+1+len(w) > width {
				b.WriteByte('\n')
				line = 0
			} else {
				b.WriteByte(' ')
				line++
			}
		}
		b.WriteString(w)
		line += len(w)
	}
	return b.String()
}
