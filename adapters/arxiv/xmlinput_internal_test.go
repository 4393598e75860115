package arxiv

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"paperboy/bot"
)

// through returns what an xmlInput with a run limit of max passes on.
func through(t testing.TB, in string, max int) (string, int, error) {
	x := newXMLInput(strings.NewReader(in))
	x.max = max
	out, err := io.ReadAll(x)
	return string(out), x.bad, err
}

func TestXMLInput(t *testing.T) {
	tests := []struct {
		name, in, want string
		bad            int
	}{
		{"Unchanged", `<a x="1"><b>text &amp; more</b><!-- c --><![CDATA[<d>]]></a>`, `<a x="1"><b>text &amp; more</b><!-- c --><![CDATA[<d>]]></a>`, 0},
		{"TextCut", "<t>0123456789abcdef</t>", "<t>01234567</t>", 0},
		{"NoCutInEntity", "<t>012345&amp;6789</t>", "<t>012345&amp;</t>", 0},
		{"NoCutInCharacter", "<t>0123456é89</t>", "<t>0123456</t>", 0},
		{"CDATACut", "<t><![CDATA[0123456789abc]]></t>", "<t><![CDATA[01234567]]></t>", 0},
		{"CommentCut", "<t><!--0123456789abc--></t>", "<t><!--01234567 --></t>", 0},
		{"RunsCountApart", "<t>01234567</t><u>01234567</u>", "<t>01234567</t><u>01234567</u>", 0},
		{"InvalidUTF8", "<t>a\xffb\xc3(</t>", "<t>a\uFFFDb\uFFFD(</t>", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			max := 8
			if tt.name == "Unchanged" || tt.name == "InvalidUTF8" {
				max = 100
			}
			got, bad, err := through(t, tt.in, max)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want || bad != tt.bad {
				t.Fatalf("got %q (%d bad), want %q (%d bad)", got, bad, tt.want, tt.bad)
			}
		})
	}
	t.Run("MarkupTooLong", func(t *testing.T) {
		if _, _, err := through(t, `<t a="`+strings.Repeat("x", 100)+`"/>`, 8); err != errMarkupTooLong {
			t.Fatalf("err=%v, want %v", err, errMarkupTooLong)
		}
	})
}

// FuzzXMLInput checks what the decoder relies on: the output is UTF-8, a
// run is never longer than the limit, and XML the limit does not touch
// passes unchanged and decodes as before.
func FuzzXMLInput(f *testing.F) {
	for _, s := range []string{"<a>b</a>", "<a><![CDATA[x]]><!--y--></a>", "<t>&amp;&#233;é\xff</t>", "<t>" + strings.Repeat("é", 20) + "</t>"} {
		f.Add([]byte(s))
	}
	for _, name := range []string{"fuzz_atom_invalid_utf8.xml", "fuzz_rss_invalid_utf8.xml"} {
		data, err := readTestdata(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		out, _, err := through(t, string(in), 16)
		if err != nil {
			return // markup too long
		}
		if !utf8.ValidString(out) {
			t.Fatalf("output is not UTF-8: %q", out)
		}
		big, bad, err := through(t, string(in), len(in)+1)
		if err == nil && bad == 0 && big != string(in) {
			t.Fatalf("valid input within the limit changed: %q → %q", in, big)
		}
	})
}

func readTestdata(name string) ([]byte, error) {
	return os.ReadFile(filepath.Join("testdata", name))
}

func TestParseAtom_InvalidUTF8CostsOneEntry(t *testing.T) {
	for _, tt := range []struct {
		file, parse string
		fn          func(io.Reader, func(bot.Item) error, func(bot.Skip)) error
		keep        []string
		where       string
	}{
		{"fuzz_atom_invalid_utf8.xml", "atom", ParseAtom, []string{"2401.00001", "2401.00003"}, "entry 2"},
		{"fuzz_rss_invalid_utf8.xml", "rss", ParseRSS, []string{"2609.26811", "2609.26813"}, "item 2"},
	} {
		t.Run(tt.parse, func(t *testing.T) {
			data, err := readTestdata(tt.file)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			var skips []bot.Skip
			err = tt.fn(bytes.NewReader(data), func(it bot.Item) error { got = append(got, it.Paper.ID); return nil },
				func(s bot.Skip) { skips = append(skips, s) })
			if err != nil {
				t.Fatalf("the whole file failed: %v", err)
			}
			if strings.Join(got, " ") != strings.Join(tt.keep, " ") {
				t.Fatalf("kept %q, want %q", got, tt.keep)
			}
			if len(skips) != 1 || !strings.HasPrefix(skips[0].Where, tt.where) || skips[0].Reason != notUTF8 {
				t.Fatalf("skips=%+v, want one for %s saying it is not UTF-8", skips, tt.where)
			}
		})
	}
}

func TestParseAtom_LongTitleIsCut(t *testing.T) {
	long := strings.Repeat("word &amp; ", 1<<20) // 11 MiB as written
	feed := `<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/abs/2401.00001v1</id><title>` +
		long + `</title><summary><![CDATA[` + long + `]]></summary></entry></feed>`
	var got []bot.Item
	err := ParseAtom(strings.NewReader(feed), func(it bot.Item) error { got = append(got, it); return nil }, func(s bot.Skip) { t.Errorf("skip %+v", s) })
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("got %d items, want 1", len(got))
	}
	p := got[0].Paper
	if n := len(p.Title); n > bot.LimitFieldBytes || n < bot.LimitFieldBytes/2 {
		t.Fatalf("title is %d bytes, want it cut near %d", n, bot.LimitFieldBytes)
	}
	if n := len(p.Abstract); n > bot.LimitFieldBytes || n < bot.LimitFieldBytes/2 {
		t.Fatalf("abstract (CDATA) is %d bytes, want it cut near %d", n, bot.LimitFieldBytes)
	}
}
