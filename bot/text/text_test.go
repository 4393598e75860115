package text

import (
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"paperboy/bot/internal/abstracts"
)

func TestCleanTitle(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		// Whitespace and wraps.
		{"HardWrap", "ConvLLaVA: Hierarchical Backbones as Visual Encoder for Large Multimodal\n  Models", "ConvLLaVA: Hierarchical Backbones as Visual Encoder for Large Multimodal Models"},
		{"Spaces", "  a \t b\r\n\r\nc\u00a0d\u3000e  ", "a b c d e"},
		{"Empty", " \n\t ", ""},
		{"ParagraphSeparator", "a\u2029b\u2028c", "a b c"},
		// Formatting commands.
		{"Textbf", `\textbf{When do skills help}?`, "When do skills help?"},
		{"Textit", `\textit{x} y`, "x y"},
		{"Emph", `an \emph{important} idea`, "an important idea"},
		{"Textsc", `a method we term \textsc{AIEV-Instruct} (Instruction`, "a method we term AIEV-Instruct (Instruction"},
		{"Texttt", `\texttt{torch.compile}`, "torch.compile"},
		{"Mathrm", `$\mathrm{softmax}(x)$`, "softmax(x)"},
		{"Mathbf", `$\mathbf{W}x$`, "Wx"},
		// An unclosed "$$" stays whole, so cleaning twice changes nothing
		// (found by FuzzCheckTLDR).
		{"UnclosedDisplayMath", `$$0$A$`, `$$0$A$`},
		{"TildeAfterMath", `$0$~0`, `0 0`}, // the output before "~" decides
		{"ItGroup", `{\it vs.} baselines`, "vs. baselines"},
		{"BfGroup", `{\bf Bold} move`, "Bold move"},
		{"Nested", `\textbf{\emph{deep} nest}`, "deep nest"},
		{"Unknown", `\foo{x} and \zork-less \qux`, "x and zork-less qux"},
		{"UnknownEmptyArg", `\LaTeX{} is typeset`, "LaTeX is typeset"},
		{"Cite", `as shown~\cite{smith2020}.`, "as shown ."},
		// Links.
		{"URL", `code~\url{https://github.com/a/b}`, "code https://github.com/a/b"},
		{"URLKeepsTeXChars", `\url{https://x.org/~u/a_b%20c$}`, "https://x.org/~u/a_b%20c$"},
		{"Href", `see \href{https://x.org}{our site}`, "see our site (https://x.org)"},
		{"HrefSameText", `\href{https://x.org}{https://x.org}`, "https://x.org"},
		{"StrippedHrefDuplicate", "at\nhttps://llm-stacking.github.io/{https://llm-stacking.github.io/}.", "at https://llm-stacking.github.io/."},
		{"BareURLUntouched", "(https://github.com/facebookresearch/schedule_free).", "(https://github.com/facebookresearch/schedule_free)."},
		// Tildes.
		{"TildeSpace", `Fig.~3 and a~b`, "Fig. 3 and a b"},
		{"TildeApprox", `~5% faster, x ~ y`, "~5% faster, x ~ y"},
		// Math.
		{"Greek", `$\alpha$-test`, "α-test"},
		{"GreekAll", `$\alpha\beta\gamma\delta\epsilon\zeta\eta\theta\iota\kappa\lambda\mu\nu\xi\omicron\pi\rho\sigma\tau\upsilon\phi\chi\psi\omega$`, "αβγδεζηθικλμνξοπρστυφχψω"},
		{"GreekUpper", `$\Gamma\Delta\Theta\Lambda\Xi\Pi\Sigma\Upsilon\Phi\Psi\Omega\Alpha\Beta$`, "ΓΔΘΛΞΠΣΥΦΨΩΑΒ"},
		{"Symbols", `$a \times b \cdot c \leq d \geq e \le f \ge g \neq h \approx i \sim j$`, "a × b · c ≤ d ≥ e ≤ f ≥ g ≠ h ≈ i ∼ j"},
		{"MoreSymbols", `$\infty \pm \rightarrow \to \leftarrow \in \sum \ell \partial \nabla$`, "∞ ± → → ← ∈ Σ ℓ ∂ ∇"},
		{"Mathcal", `$\mathcal{O}(n \log n)$`, "O(n log n)"},
		{"Superscript", `$x^2$ and $x^{10}$ and $O(n^2)$`, "x² and x¹⁰ and O(n²)"},
		{"Subscript", `$x_i$ and $x_{i+1}$ and $W_{max}$`, "xᵢ and xᵢ₊₁ and Wₘₐₓ"},
		{"ScriptFallback", `$p_{gen}$ and $x^{a,b}$ and $y_{\theta}$`, "p_gen and x^(a,b) and y_θ"},
		{"ScriptSpecial", `$W^\top$, $90^\circ$, $x^*$, $f'(x)$`, "Wᵀ, 90°, x*, f′(x)"},
		{"Frac", `$\frac{a+b}{2}$ and $\sqrt{x}$`, "(a+b)/2 and √x"},
		{"Hat", `$\hat{y}$ $\bar{x}$`, "y\u0302 x\u0304"},
		{"Mathbb", `$x \in \mathbb{R}^d$`, "x ∈ ℝᵈ"},
		{"LeftRight", `$\left( x \right)$ $\{0,1\}^n$`, "( x ) {0,1}ⁿ"},
		{"DisplayMath", `$$E=mc^2$$`, "E=mc²"},
		{"ParenMath", `\(\delta\)-function`, "δ-function"},
		{"TextModeBracedScripts", `10^{19} to 10^{22} FLOPs, G_{stack}`, "10¹⁹ to 10²² FLOPs, G_stack"},
		{"TextModeBareScripts", `π^3 and snake_case stay`, "π^3 and snake_case stay"},
		{"ArxivScripts", `(1/310)(1^{+1.39}_{-0.59})`, "(1/310)(1^(+1.39)_(-0.59))"},
		// Escapes, accents, dashes, quotes.
		{"Escapes", `54.6\% \& \$5 \_ \# \{x\}`, "54.6% & $5 _ # {x}"},
		{"Accents", `(\"Ust\"un et al., 2024), R\'{e}nyi, \c{c}a, \v{S}koda, \'{\i}, \~n, \^o, \H{o}`, "(Üstün et al., 2024), Rényi, ça, Škoda, í, ñ, ô, ő"},
		{"AccentFallback", `\"w`, "w\u0308"},
		{"Letters", `Stra\ss e, \o re, \aa, \l\'od\'z`, "Straße, øre, å, łódź"},
		{"Dashes", `3--5 days, 4--16\%, a -- b, a---b, --flag`, "3–5 days, 4–16%, a – b, a—b, --flag"},
		{"Quotes", "``quoted''", "“quoted”"},
		// Stripped backslashes.
		{"StrippedInMath", `$textbf{specialist} and textbf{generalist}$`, "specialist and generalist"},
		{"StrippedInText", `three critical textit{O}bstacles`, "three critical Obstacles"},
		{"StrippedGarbageKept", `le (1 - p_{gen})^N + lceil log`, "le (1 - p_gen)^N + lceil log"},
		// Money survives.
		{"MoneyCosts", `costs $8.1 per manuscript`, "costs $8.1 per manuscript"},
		{"MoneyUS", `only US$44 in model-token charges`, "only US$44 in model-token charges"},
		{"MoneyMillion", `The $1 Million Question`, "The $1 Million Question"},
		{"MoneyK", `Beating $200k Baselines`, "Beating $200k Baselines"},
		{"MoneyTrailing", `Only 1$ per Query`, "Only 1$ per Query"},
		{"MoneyEscaped", `\$OneMillion-Bench: Can Agents Earn`, "$OneMillion-Bench: Can Agents Earn"},
		{"MoneyRange", `between $5 and $10`, "between $5 and $10"},
		{"MoneyDash", `$5-$10 per run`, "$5-$10 per run"},
		{"MoneyAfterDigits", `Only 1$/query, or 2$/query`, "Only 1$/query, or 2$/query"},
		{"MoneyTwo", `from $200k, 1$ each`, "from $200k, 1$ each"},
		{"MoneyAndMath", `costs $8.1 per run with $\epsilon$-DP`, "costs $8.1 per run with ε-DP"},
		// Invisible and control characters; markup is left alone.
		{"Bidi", "abc\u202eevil\u202c \u2066x\u2069 \u200e\u200fy", "abcevil x y"},
		{"ZeroWidth", "@\u200beveryone\ufeff a\u00adb \U000E0041tag", "@everyone ab tag"},
		{"Controls", "a\x00b\x07c\x1bd\u0085e\x7f", "abcd e"},
		{"EmojiZWJ", "family 👨\u200d👩\u200d👧 and a\u200db", "family 👨\u200d👩\u200d👧 and ab"},
		{"Zalgo", "Z\u0301\u0302\u0303\u0304\u0305\u0306\u0307a", "Z\u0301\u0302\u0303\u0304a"},
		{"InvalidUTF8", "a\xffb", "a\uFFFDb"},
		{"AngleBrackets", `<think>x</think> <EOS> **bold** & <b>`, "<think>x</think> <EOS> **bold** & <b>"},
		{"Unicode", "μLO, τ-bench, γ-MoD, Top-nσ, FürElise, LLäMmlein, Gödel", "μLO, τ-bench, γ-MoD, Top-nσ, FürElise, LLäMmlein, Gödel"},
		{"UnbalancedBraces", `a {b and c} d} {e`, "a {b and c} d} {e"},
		{"TrailingBackslash", `a \`, "a"},
		{"AccentOnURL", `$\hat https://x.org/a$ \'https://y.org`, "$https://x.org/a$ https://y.org"},
		{"ScriptOnURL", `$x^{https://x.org}$ and $x^https://y.org$`, "x^(https://x.org) and $x^https://y.org$"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CleanTitle(tt.in); got != tt.want {
				t.Fatalf("CleanTitle(%q)=%q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestCleanAbstract(t *testing.T) {
	long := strings.Repeat("word ", 30)
	tests := []struct {
		name, in, want string
	}{
		{"HardWrapped", "LLMs are expensive to pre-train due to their large scale.\nModel growth emerges as a promising approach.", "LLMs are expensive to pre-train due to their large scale. Model growth emerges as a promising approach."},
		{"BlankLine", "First para\nwraps here.\n\n\nSecond para.", "First para wraps here.\n\nSecond para."},
		{"ArxivIndentedParagraph", "  First paragraph ends.\n  Second paragraph starts\nand wraps.", "First paragraph ends.\n\nSecond paragraph starts and wraps."},
		{"IndentNotAfterSentence", "a wrapped title-like line\n  continues here", "a wrapped title-like line continues here"},
		{"Since202512", long + "end.\n  " + long + "end.", strings.TrimSpace(long) + " end.\n\n" + strings.TrimSpace(long) + " end."},
		{"CRLF", long + "a.\r\n" + long + "b.", strings.TrimSpace(long) + " a.\n\n" + strings.TrimSpace(long) + " b."},
		{"EmptyParagraphDropped", "a.\n\n\\textbf{}\n\nb.", "a.\n\nb."},
		{"TeXAcrossWrap", "a method we term \\textsc{AIEV-Instruct} (Instruction Tuning with\nAgent-Interaction)", "a method we term AIEV-Instruct (Instruction Tuning with Agent-Interaction)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CleanAbstract(tt.in); got != tt.want {
				t.Fatalf("CleanAbstract(%q)=\n%q, want\n%q", tt.in, got, tt.want)
			}
		})
	}
}

// fixturePaper is one paper of bot/testdata/abstracts.json.
type fixturePaper = abstracts.Paper

func mustLoadFixtures(tb testing.TB) []fixturePaper { return abstracts.Load(tb) }

var (
	texLeft = regexp.MustCompile(`\\[A-Za-z]|\\[%&$_'"]|\b(?:textbf|textit|emph|textsc|url|href)\{`)
	// moneyIn finds dollar amounts that are not TeX: "$8.1", "US$44".
	moneyIn = regexp.MustCompile(`(?:^|[^\\])((?:US)?\$[0-9][0-9.,]*[kKMB]?)`)
)

// TestCleanRealFixtures runs every real title and abstract through the
// cleaners and checks what must always hold.
func TestCleanRealFixtures(t *testing.T) {
	var money int
	for _, p := range mustLoadFixtures(t) {
		abs, title := CleanAbstract(p.Summary), CleanTitle(p.Title)
		for _, c := range []struct{ what, in, out string }{{"title", p.Title, title}, {"abstract", p.Summary, abs}} {
			checkClean(t, p.ID+" "+c.what, c.in, c.out)
			for _, m := range moneyIn.FindAllStringSubmatch(c.in, -1) {
				money++
				if !strings.Contains(c.out, m[1]) {
					t.Errorf("%s %s: lost the amount %q", p.ID, c.what, m[1])
				}
			}
		}
		if strings.Contains(title, "\n") {
			t.Errorf("%s: title has a line break: %q", p.ID, title)
		}
		if n := strings.Count(abs, "\n\n"); n != strings.Count(abs, "\n")/2 {
			t.Errorf("%s: abstract has a lone line break: %q", p.ID, abs)
		}
	}
	if money < 2 {
		t.Fatalf("found %d amounts in the fixtures, want at least $8.1 and US$44", money)
	}
}

func checkClean(t *testing.T, where, in, out string) {
	t.Helper()
	switch {
	case strings.TrimSpace(in) != "" && out == "":
		t.Errorf("%s: cleaned to nothing", where)
	case len(out) > 2*len(in):
		t.Errorf("%s: grew from %d to %d bytes", where, len(in), len(out))
	case !utf8.ValidString(out):
		t.Errorf("%s: invalid UTF-8", where)
	case texLeft.MatchString(out):
		t.Errorf("%s: TeX left: %q", where, texLeft.FindString(out))
	case strings.Contains(out, "  "):
		t.Errorf("%s: double space in %q", where, out)
	case out != strings.TrimSpace(out):
		t.Errorf("%s: not trimmed", where)
	}
	for _, r := range out {
		if r != '\n' && (unicode.IsControl(r) || unicode.Is(unicode.Cf, r)) {
			t.Errorf("%s: invisible character %U left", where, r)
		}
	}
}

// TestCleanRealFixturesSpotChecks pins what the cleaners make of the quirks
// the fixtures really contain.
func TestCleanRealFixturesSpotChecks(t *testing.T) {
	want := map[string][]string{
		"2405.15032":  {"(Üstün et al., 2024)"},
		"2405.15319":  {"three critical Obstacles", "G_stack", "54.6% speedup", "available at https://llm-stacking.github.io/."},
		"2405.14906":  {"a method we term AIEV-Instruct (Instruction Tuning with Agent-Interaction"},
		"2501.14249":  {"over 90% accuracy"},
		"2608.11924":  {"costs $8.1 per manuscript"},
		"2608.10450":  {"only US$44 in model-token charges"},
		"2608.10708":  {"π^3"},
		"2608.11878":  {"**ToolHazard**"},
		"2608.14036":  {"underexplored: When do skills help"},
		"2608.17286":  {"(10¹⁹ to 10²² FLOPs)"},
		"2608.12313":  {"auto-encoding.\n\nAVA-Encoder transforms", "test-time inner loop.\n\nExtensive experiments"},
		"0601001v1":   {"3–5 day periods", "(1^(+1.39)_(-0.59))"},
		"1311.6442v1": {"Rényi entanglement"},
	}
	found := 0
	for _, p := range mustLoadFixtures(t) {
		for _, w := range want[p.ID] {
			found++
			if got := CleanAbstract(p.Summary); !strings.Contains(got, w) {
				t.Errorf("%s: abstract lacks %q:\n%s", p.ID, w, got)
			}
		}
	}
	if found < 16 {
		t.Fatalf("checked %d spots; a fixture id is missing", found)
	}
}

func TestAbbreviateAuthors(t *testing.T) {
	tests := []struct {
		name    string
		authors []string
		max     int
		want    string
	}{
		{"Few", []string{"Ada", "Grace"}, 3, "Ada, Grace"},
		{"Exact", []string{"A", "B", "C"}, 3, "A, B, C"},
		{"More", []string{"A", "B", "C", "D", "E"}, 3, "A, B, C +2"},
		{"DefaultMax", []string{"A", "B", "C", "D"}, 0, "A, B, C +1"},
		{"NegativeMax", []string{"A", "B", "C", "D"}, -1, "A, B, C +1"},
		{"Cleaned", []string{" Ahmet\n  \\\"Ust\\\"un ", "", "  ", "B\u202e"}, 3, "Ahmet Üstün, B"},
		{"None", nil, 3, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := AbbreviateAuthors(tt.authors, tt.max); got != tt.want {
				t.Fatalf("AbbreviateAuthors=%q, want %q", got, tt.want)
			}
		})
	}
	t.Run("664Authors", func(t *testing.T) {
		for _, p := range mustLoadFixtures(t) {
			if p.ID == "2501.14249" {
				got := AbbreviateAuthors(p.Authors, 3)
				if !strings.HasSuffix(got, " +661") || strings.Count(got, ",") != 2 {
					t.Fatalf("AbbreviateAuthors(664 authors)=%q, want 3 names +661", got)
				}
				return
			}
		}
		t.Fatal("2501.14249 not in the fixtures")
	})
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		name string
		in   string
		max  int
		want string
	}{
		{"Short", "hello", 10, "hello"},
		{"Exact", "hello", 5, "hello"},
		{"WordBoundary", "the quick brown fox jumps", 12, "the quick…"},
		{"NoBoundaryNear", "supercalifragilistic", 8, "superca…"},
		{"TrailingPunct", "alpha, beta gamma", 8, "alpha…"},
		{"Zero", "hello", 0, ""},
		{"One", "hello", 1, "…"},
		{"Runes", "αβγδεζηθ", 4, "αβγ…"},
		{"CombiningMark", "abcde\u0301fgh", 6, "abcd…"},
		{"ZWJ", "ab👨\u200d👩\u200d👧cd", 5, "ab…"},
		{"Flag", "ab🇫🇷🇩🇪xyz", 6, "ab🇫🇷…"},
		{"FlagHalf", "ab🇫🇷🇩🇪xyz", 5, "ab🇫🇷…"},
		{"SkinTone", "ab👍🏽cd", 4, "ab…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Truncate(tt.in, tt.max)
			if got != tt.want {
				t.Fatalf("Truncate(%q, %d)=%q, want %q", tt.in, tt.max, got, tt.want)
			}
			if n := utf8.RuneCountInString(got); n > tt.max {
				t.Fatalf("Truncate(%q, %d) has %d runes", tt.in, tt.max, n)
			}
		})
	}
}

func TestExtractive(t *testing.T) {
	long := strings.Repeat("many ", 50)
	tests := []struct {
		name, in, want string
	}{
		{"First", "We propose X, a new method for doing Y well. It works.", "We propose X, a new method for doing Y well."},
		{"SkipsLabel", "Abstract. We propose X, a new method for doing Y well.", "We propose X, a new method for doing Y well."},
		{"SkipsAbstractColon", "Abstract: Local learning trains each layer with its own loss. More.", "Local learning trains each layer with its own loss."},
		{"SkipsShort", "Context. Multiple automated techniques have been proposed for GUI testing. More here.", "Multiple automated techniques have been proposed for GUI testing."},
		{"SkipsURL", "Code at https://x.org/a. We propose X, a new method for doing Y well.", "We propose X, a new method for doing Y well."},
		{"KeepsInThisPaper", "In this paper, we study how transformers learn to count. More.", "In this paper, we study how transformers learn to count."},
		{"Abbreviations", "Models such as GPT-4 (OpenAI et al. 2023), e.g. in Fig. 3, beat Llama vs. Mistral on No. 1 tasks. Next.", "Models such as GPT-4 (OpenAI et al. 2023), e.g. in Fig. 3, beat Llama vs. Mistral on No. 1 tasks."},
		{"Decimals", "Our model improves accuracy by 3.5 points over v1.0 baselines on MMLU. Next one.", "Our model improves accuracy by 3.5 points over v1.0 baselines on MMLU."},
		{"Initials", "Following J. R. Smith we train a small model on many tasks. Next.", "Following J. R. Smith we train a small model on many tasks."},
		{"LowerVariableEndsSentence", "Costs grow with n. We propose an approach whose cost does not grow.", "We propose an approach whose cost does not grow."},
		{"VariableEndsSentence", "Schedules that depend on T. We propose an approach that avoids the need for T.", "We propose an approach that avoids the need for T."},
		{"TeX", `We study $\alpha$-divergences with \textbf{bounded} ratios in depth. Next.`, "We study α-divergences with bounded ratios in depth."},
		{"LongSentence", "Start " + long + "end.", "Start " + strings.TrimSpace(strings.Repeat("many ", 39)) + "…"},
		{"Fallback", "Short one. Another short. Tiny.", "Short one. Another short. Tiny."},
		{"FallbackLong", "Tiny. " + long, "Tiny. " + strings.TrimSpace(strings.Repeat("many ", 39)) + "…"},
		{"Question", "Can LLM agents stick to the script over long horizons? We test it.", "Can LLM agents stick to the script over long horizons?"},
		{"Empty", "  ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Extractive(tt.in); got != tt.want {
				t.Fatalf("Extractive(%q)=\n%q, want\n%q", tt.in, got, tt.want)
			}
		})
	}
}

func TestExtractiveRealFixtures(t *testing.T) {
	for _, p := range mustLoadFixtures(t) {
		got := Extractive(p.Summary)
		words := len(strings.Fields(got))
		switch {
		case got == "":
			t.Errorf("%s: empty", p.ID)
		case words < minInformativeWords || words > extractiveWords:
			t.Errorf("%s: %d words: %q", p.ID, words, got)
		case strings.Contains(got, "\n"):
			t.Errorf("%s: line break in %q", p.ID, got)
		case !strings.HasSuffix(got, ".") && !strings.HasSuffix(got, "…") && !strings.HasSuffix(got, "?"):
			t.Errorf("%s: not a whole sentence: %q", p.ID, got)
		}
	}
}

func FuzzCleanAbstract(f *testing.F) {
	for _, s := range []string{`$\alpha$ $5 and $10`, "a\n\nb", `\textbf{x`, `{\it`, `$x^{`, `\href{a}`, "\\", "$", "{}"} {
		f.Add(s)
	}
	for _, p := range mustLoadFixtures(f) {
		f.Add(p.Summary)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := CleanAbstract(s)
		if !utf8.ValidString(out) || strings.Contains(out, "  ") || strings.Contains(out, "\x00") {
			t.Fatalf("CleanAbstract(%q)=%q", s, out)
		}
		if len(out) > 3*len(s)+8 { // "^{2}" → "²" (3 bytes), "x^{22}" → "x²²"
			t.Fatalf("CleanAbstract(%q) grew to %d bytes", s, len(out))
		}
	})
}

// FuzzCleanTitle runs any text through the cleaners of one-line text
// (titles, author names), Truncate and the extractive TL;DR, seeded with
// the fixtures' titles, names and abstracts.
func FuzzCleanTitle(f *testing.F) {
	for _, s := range []string{"a\u202eb", "x\u200d\U0001F469", "e\u0301", `$\mathcal{O}(n)$`, "\t\r\n", ""} {
		f.Add(s, 10)
	}
	for _, p := range mustLoadFixtures(f) {
		f.Add(p.Title, 60)
		f.Add(p.Summary, 200)
		if len(p.Authors) > 0 {
			f.Add(p.Authors[0], 5)
		}
	}
	f.Fuzz(func(t *testing.T, s string, n int) {
		title := CleanTitle(s)
		if !utf8.ValidString(title) || strings.ContainsAny(title, "\n\r\t\x00") || strings.Contains(title, "  ") ||
			strings.TrimSpace(title) != title {
			t.Fatalf("CleanTitle(%q)=%q", s, title)
		}
		if strings.ContainsFunc(title, func(r rune) bool { return unicode.Is(unicode.Bidi_Control, r) }) {
			t.Fatalf("CleanTitle(%q)=%q keeps a bidirectional control", s, title)
		}
		n = n % 500
		if cut := Truncate(title, n); utf8.RuneCountInString(cut) > max(n, 0) || !utf8.ValidString(cut) ||
			n > 0 && !strings.HasPrefix(title, strings.TrimSuffix(cut, "…")) {
			t.Fatalf("Truncate(%q, %d)=%q", title, n, cut)
		}
		if tldr := Extractive(s); !utf8.ValidString(tldr) || strings.Contains(tldr, "\x00") || len(tldr) > 3*len(s)+8 { // U+FFFD for a bad byte: 3 bytes
			t.Fatalf("Extractive(%q)=%q", s, tldr)
		}
	})
}
