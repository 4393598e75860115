package bot

import (
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
)

// limited returns data as a jsonLimiter with a string limit of max passes it.
func limited(t testing.TB, data string, max int) string {
	out, err := io.ReadAll(&jsonLimiter{r: strings.NewReader(data), max: max})
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func TestLimitJSON(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"Short", `{"a":"bcd","e":[1,"f"]}`, `{"a":"bcd","e":[1,"f"]}`},
		{"Cut", `{"a":"0123456789"}`, `{"a":"01234567"}`},
		{"KeysToo", `{"0123456789":1}`, `{"01234567":1}`},
		{"NoCutInEscape", `{"a":"012345\u00e9789"}`, `{"a":"012345\u00e9"}`},
		{"EscapedQuote", `{"a":"0123456\"89","b":"x"}`, `{"a":"0123456\"","b":"x"}`},
		{"NoCutInCharacter", "{\"a\":\"0123456\u00e989\"}", "{\"a\":\"0123456\u00e9\"}"},
		{"NewlineResets", "{\"a\":\"broken\n{\"b\":\"0123456789\"}", "{\"a\":\"broken\n{\"b\":\"01234567\"}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := limited(t, tt.in, 8); got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// FuzzLimitJSON checks what the parsers rely on: valid JSON stays valid,
// and JSON whose strings are within the limit passes unchanged.
func FuzzLimitJSON(f *testing.F) {
	for _, s := range []string{`{"a":"b"}`, `["\u00e9\"\\",1,null]`, "{\"id\":\"x\",\"title\":\"" + strings.Repeat("é", 30) + "\"}\n{}", `"\ud83d\ude00"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		out := limited(t, string(in), 8)
		if json.Valid(in) && !strings.Contains(string(in), "\n") && !json.Valid([]byte(out)) {
			t.Fatalf("valid JSON %q became invalid: %q", in, out)
		}
		if same := limited(t, string(in), len(in)+1); same != string(in) {
			t.Fatalf("input within the limit changed: %q → %q", in, same)
		}
	})
}

func TestLineReader(t *testing.T) {
	in := "short\n" + strings.Repeat("x", 20) + "\n\nlast"
	lr := NewLineReader(strings.NewReader(in), 10)
	var got []string
	for {
		line, err := lr.Next()
		if err == io.EOF {
			break
		}
		if errors.Is(err, ErrLineTooLong) {
			got = append(got, "TOO LONG:"+string(line))
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, string(line))
	}
	if want := "short|TOO LONG:xxxxxxxxxx||last"; strings.Join(got, "|") != want {
		t.Fatalf("lines %q, want %q", strings.Join(got, "|"), want)
	}
}

func TestPaper_Limit(t *testing.T) {
	p := Paper{
		Title:   strings.Repeat("t", LimitTitle+5),
		Authors: make([]string, LimitAuthors+1),
		HFURL:   "https://huggingface.co/papers/" + strings.Repeat("x", LimitLink),
		PDFURL:  "https://arxiv.org/pdf/2401.00001",
	}
	p.Authors[0] = strings.Repeat("a", LimitAuthorName+1)
	p.Limit()
	if n := len([]rune(p.Title)); n != LimitTitle {
		t.Errorf("title %d runes, want %d", n, LimitTitle)
	}
	if len(p.Authors) != LimitAuthors || len([]rune(p.Authors[0])) != LimitAuthorName {
		t.Errorf("%d authors, first %d runes; want %d and %d", len(p.Authors), len([]rune(p.Authors[0])), LimitAuthors, LimitAuthorName)
	}
	if p.HFURL != "" || p.PDFURL == "" {
		t.Errorf("HFURL=%.20q PDFURL=%q: want the long link dropped, the short one kept", p.HFURL, p.PDFURL)
	}
}

// TestPaper_Limit_Clean: after Limit, no text field of a paper holds a NUL
// or invalid UTF-8. Every string field is found by reflection, so a field
// added later is covered too.
func TestPaper_Limit_Clean(t *testing.T) {
	const dirty = "a\x00b\xffc"
	var p Paper
	v := reflect.ValueOf(&p).Elem()
	for i := range v.NumField() {
		switch f := v.Field(i); f.Kind() {
		case reflect.String:
			f.SetString(dirty)
		case reflect.Slice:
			f.Set(reflect.ValueOf([]string{dirty, "ok"}))
		}
	}
	p.Limit()
	for i := range v.NumField() {
		f, name := v.Field(i), v.Type().Field(i).Name
		var texts []string
		switch f.Kind() {
		case reflect.String:
			texts = []string{f.String()}
		case reflect.Slice:
			texts = f.Interface().([]string)
		}
		for _, s := range texts {
			if s != "ab\uFFFDc" && s != "ok" {
				t.Errorf("%s=%q, want %q", name, s, "ab\uFFFDc")
			}
		}
	}
}
