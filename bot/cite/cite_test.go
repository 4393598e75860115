package cite_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"paperboy/bot"
	"paperboy/bot/cite"
)

// ids resolves each ref to its first candidate that is a paper reference,
// as paperboy does; "-" for none.
func ids(refs []cite.Ref) []string {
	out := make([]string, len(refs))
	for i, r := range refs {
		out[i] = "-"
		for _, c := range r.Candidates {
			if id, ok := bot.ParsePaperRef(c); ok {
				out[i] = id
				break
			}
		}
	}
	return out
}

func readFile(t *testing.T, name string) ([]cite.Ref, string) {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	refs, format, err := cite.Read(f)
	if err != nil {
		t.Fatal(err)
	}
	return refs, format
}

func TestRead(t *testing.T) {
	tests := []struct {
		file, format string
		want         []string
	}{
		{"zotero.bib", cite.FormatBibTeX, []string{"2401.01335", "2310.06825"}},
		{"mendeley.bib", cite.FormatBibTeX, []string{"1706.03762", "hep-th/9901001", "-"}},
		{"zotero.json", cite.FormatCSL, []string{"2401.01335", "2608.12313", "-"}},
		{"ids.txt", cite.FormatList, []string{"2401.01335", "1706.03762", "2310.06825", "2608.12313"}},
	}
	for _, tt := range tests {
		refs, format := readFile(t, tt.file)
		if format != tt.format {
			t.Errorf("%s: format %q, want %q", tt.file, format, tt.format)
		}
		if got := ids(refs); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: ids %v, want %v", tt.file, got, tt.want)
		}
	}
}

func TestReadBibTeX_Fields(t *testing.T) {
	refs := cite.ReadBibTeX(`@misc{k1, title = {Nested {Braces} and "quotes"}, note = "a" # "b"}
@string{foo = "bar"}
@article(k2, title = "Parens, too", url = {https://arxiv.org/pdf/2401.01335v2.pdf})
@broken{ k3, title = {never closed`)
	if len(refs) != 3 {
		t.Fatalf("refs=%+v, want 3 entries", refs)
	}
	if refs[0].Key != "k1" || refs[0].Title != `Nested {Braces} and "quotes"` || !reflect.DeepEqual(refs[0].Candidates, []string{"ab"}) {
		t.Errorf("first=%+v", refs[0])
	}
	if got := ids(refs[1:2]); refs[1].Title != "Parens, too" || got[0] != "2401.01335" {
		t.Errorf("second=%+v (id %v)", refs[1], got)
	}
	if refs[2].Key != "k3" {
		t.Errorf("third=%+v", refs[2])
	}
}

func TestReadCSL_Bad(t *testing.T) {
	if _, _, err := cite.Read(strings.NewReader(`[{"title": 3`)); err == nil || !strings.Contains(err.Error(), "CSL JSON") {
		t.Fatalf("err=%v, want one naming CSL JSON", err)
	}
}

// hostile is an entry whose text tries to break out of its braces and run TeX.
var hostile = cite.Entry{
	ArxivID: "hep-th/9901001",
	Title:   "Braces } { and \\input{/etc/passwd} 100% $x_1$ #1 & ~^",
	Authors: []string{"Ada Lovelace", "Smith, John", "Rock and Roll", "Grace Hopper"},
	Year:    1999, PrimaryClass: "hep-th", URL: "https://arxiv.org/abs/hep-th/9901001",
	Note: "saved by ada\nand {grace}",
}

func TestEntry_BibTeX(t *testing.T) {
	got := hostile.BibTeX(3)
	want := `@misc{arXiv:hep-th-9901001,
  title = {{Braces \} \{ and \textbackslash{}input\{/etc/passwd\} 100\% \$x\_1\$ \#1 \& \textasciitilde{}\textasciicircum{}}},
  author = {Ada Lovelace and {Smith, John} and {Rock and Roll} and others},
  year = {1999},
  eprint = {hep-th/9901001},
  archivePrefix = {arXiv},
  primaryClass = {hep-th},
  url = {https://arxiv.org/abs/hep-th/9901001},
  note = {saved by ada and \{grace\}},
}
`
	if got != want {
		t.Fatalf("BibTeX:\n%s\nwant:\n%s", got, want)
	}
	// What paperboy writes, paperboy reads back.
	refs := cite.ReadBibTeX(got)
	if len(refs) != 1 || ids(refs)[0] != "hep-th/9901001" {
		t.Fatalf("read back %+v", refs)
	}
}

// TestEntry_BibTeX_Python parses paperboy's BibTeX with python3-bibtexparser
// (Debian's package), where it is installed: an outside parser's view.
func TestEntry_BibTeX_Python(t *testing.T) {
	py := bibtexPython()
	if py == "" {
		t.Skip("python3-bibtexparser is not installed (apt-get install python3-bibtexparser)")
	}
	plain := cite.Entry{ArxivID: "2401.01335", Title: "Self-Play Fine-Tuning", Authors: []string{"Zixiang Chen"}, Year: 2024}
	cmd := exec.Command(py, "-c", `import sys, bibtexparser
db = bibtexparser.loads(sys.stdin.read())
for e in db.entries: print(e["ID"], e["eprint"], e["archiveprefix"])`)
	cmd.Stdin = strings.NewReader(hostile.BibTeX(0) + "\n" + plain.BibTeX(0))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("bibtexparser: %v\n%s", err, out)
	}
	if want := "arXiv:hep-th-9901001 hep-th/9901001 arXiv\narXiv:2401.01335 2401.01335 arXiv\n"; string(out) != want {
		t.Fatalf("bibtexparser read:\n%s\nwant:\n%s", out, want)
	}
}

// FuzzRead checks that no input makes the readers panic or loop.
func FuzzRead(f *testing.F) {
	for _, name := range []string{"zotero.bib", "mendeley.bib", "zotero.json", "ids.txt"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(data))
	}
	f.Add("@a{k,t={")
	f.Add("@a(k,t=\"x\" # ")
	f.Fuzz(func(t *testing.T, s string) {
		cite.Read(strings.NewReader(s))
		cite.ReadBibTeX(s)
	})
}

// bibtexPython returns a python3 that can import bibtexparser: the one on
// PATH, or the system's (a pyenv or venv python3 on PATH does not see
// Debian's packages); "" when there is none.
func bibtexPython() string {
	var candidates []string
	if py, err := exec.LookPath("python3"); err == nil {
		candidates = append(candidates, py)
	}
	for _, py := range append(candidates, "/usr/bin/python3") {
		if exec.Command(py, "-c", "import bibtexparser").Run() == nil {
			return py
		}
	}
	return ""
}
