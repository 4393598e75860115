package text

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// detex turns TeX markup into plain Unicode text. URLs are set aside first,
// so that nothing in them (~, _, %, $) is read as TeX.
func detex(s string) string {
	if !strings.ContainsAny(s, "\\$^_{}~-'`") {
		return s
	}
	s, urls := protectURLs(s)
	p := texParser{s: s}
	out, _ := p.run(false, false)
	// Should TeX have taken a placeholder apart, its bytes must not remain.
	return strings.Map(dropPlaceholderBytes, restoreURLs(out, urls))
}

func dropPlaceholderBytes(r rune) rune {
	if r == 0 || r == 1 {
		return -1
	}
	return r
}

var (
	urlPattern         = regexp.MustCompile(`(?i)\b(?:https?://|www\.)[^\s{}<>"\\]+`)
	placeholderPattern = regexp.MustCompile("\x00([0-9]+)\x01")
)

// protectURLs replaces each URL by a placeholder that TeX conversion leaves
// alone. Control characters are stripped before, so "\x00" cannot occur in
// text. Equal URLs share a placeholder.
func protectURLs(s string) (string, []string) {
	var urls []string
	index := map[string]int{}
	s = urlPattern.ReplaceAllStringFunc(s, func(u string) string {
		k, ok := index[u]
		if !ok {
			k = len(urls)
			index[u] = k
			urls = append(urls, u)
		}
		return "\x00" + strconv.Itoa(k) + "\x01"
	})
	return s, urls
}

func restoreURLs(s string, urls []string) string {
	if len(urls) == 0 {
		return s
	}
	return placeholderPattern.ReplaceAllStringFunc(s, func(m string) string {
		k, err := strconv.Atoi(m[1 : len(m)-1])
		if err != nil || k >= len(urls) {
			return ""
		}
		return urls[k]
	})
}

// texParser is a small recursive-descent reader of the TeX found in
// abstracts. It never fails: what it does not understand it keeps as text.
// Abstracts are untrusted, so nesting and look-ahead are bounded and the work
// stays linear in the input.
type texParser struct {
	s     string
	i     int
	depth int // nesting of groups and arguments
}

// maxDepth bounds nesting; deeper braces are kept as text.
const maxDepth = 32

// run converts until the end of the input or, when inGroup, until the brace
// that closes the group; closed reports whether that brace was found.
func (p *texParser) run(math, inGroup bool) (out string, closed bool) {
	var b strings.Builder
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == '}' && inGroup:
			p.i++
			return b.String(), true
		case c == '}' && math:
			p.i++
		case c == '\\':
			p.command(&b, math)
		case c == '{' && p.depth < maxDepth:
			p.group(&b, math)
		case c == '$' && !math:
			p.dollar(&b)
		case c == '^' || c == '_':
			p.script(&b, math)
		case c == '~':
			p.tilde(&b, math)
		case isASCIILetter(c) && !isWordByte(p.prev()):
			p.word(&b, math)
		default:
			p.punct(&b, math)
		}
	}
	return b.String(), false
}

func (p *texParser) prev() byte {
	if p.i == 0 {
		return ' '
	}
	return p.s[p.i-1]
}

// command reads a backslash command.
func (p *texParser) command(b *strings.Builder, math bool) {
	p.i++
	if p.i >= len(p.s) {
		return
	}
	if !isASCIILetter(p.s[p.i]) {
		r, n := utf8.DecodeRuneInString(p.s[p.i:])
		p.i += n
		p.symbol(b, r, math)
		return
	}
	start := p.i
	for p.i < len(p.s) && isASCIILetter(p.s[p.i]) {
		p.i++
	}
	name := p.s[start:p.i]
	if p.i < len(p.s) && p.s[p.i] == '*' {
		p.i++
	}
	p.named(b, name, math)
}

// symbol handles a one-character command: \%, \&, \$, \_, accents, spacing.
func (p *texParser) symbol(b *strings.Builder, r rune, math bool) {
	switch r {
	case '%', '&', '$', '_', '#', '{', '}':
		b.WriteRune(r)
	case '\\', ',', ';', ':', ' ', '\n', '\t':
		b.WriteByte(' ')
	case '!', '-', '/', '@':
	case '|':
		b.WriteString("‖")
	case '(':
		p.delimitedMath(b, `\)`)
	case '[':
		p.delimitedMath(b, `\]`)
	case ')', ']':
	default:
		if r < utf8.RuneSelf && textAccents[byte(r)] != 0 {
			p.accent(b, byte(r))
			return
		}
		b.WriteRune(r)
	}
}

// named handles a command with a name made of letters.
func (p *texParser) named(b *strings.Builder, name string, math bool) {
	switch {
	case textArgs[name]:
		b.WriteString(p.arg(false))
	case mathArgs[name]:
		b.WriteString(p.arg(true))
	case name == "mathbb":
		b.WriteString(mapEach(p.arg(true), doubleStruck))
	case name == "url":
		b.WriteString(p.arg(false))
	case name == "href":
		b.WriteString(link(p.arg(false), p.arg(false)))
	case name == "frac" || name == "dfrac" || name == "tfrac":
		num := p.arg(true)
		b.WriteString(term(num) + "/" + term(p.arg(true)))
	case name == "sqrt":
		p.optional()
		b.WriteString("√" + term(p.arg(true)))
	case dropArgs[name]:
		p.optional()
		p.arg(math)
	case mathAccents[name] != 0:
		b.WriteString(combine(p.arg(true), mathAccents[name]))
	default:
		p.plain(b, name, math)
	}
}

// plain handles commands without special arguments: symbols, accents like
// \c{c}, commands to ignore, and unknown ones (\foo{x} gives x, \foo foo).
func (p *texParser) plain(b *strings.Builder, name string, math bool) {
	switch sym := symbols[name]; {
	case len(name) == 1 && textAccents[name[0]] != 0:
		p.accent(b, name[0])
	case letterCommands[name] != "":
		b.WriteString(letterCommands[name])
		p.skipSpaces() // "Stra\ss e" is "Straße"
	case sym != "":
		b.WriteString(sym)
	case spaceCommands[name]:
		b.WriteByte(' ')
	case ignoredCommands[name]:
		p.skipSpaces()
		if (name == "left" || name == "right") && p.i < len(p.s) && p.s[p.i] == '.' {
			p.i++
		}
	case p.peekNonSpace() == '{':
		if a := p.arg(math); a != "" {
			b.WriteString(a)
		} else {
			b.WriteString(name) // \LaTeX{}
		}
	default:
		b.WriteString(name)
	}
}

// arg reads a command's argument: a {group}, a command or one character.
func (p *texParser) arg(math bool) string {
	p.skipSpaces()
	if p.i >= len(p.s) {
		return ""
	}
	switch p.s[p.i] {
	case '{':
		if p.depth >= maxDepth {
			return ""
		}
		p.i++
		p.depth++
		defer func() { p.depth-- }()
		s, _ := p.run(math, true)
		return s
	case '\\':
		if p.depth >= maxDepth {
			return ""
		}
		p.depth++
		defer func() { p.depth-- }()
		var b strings.Builder
		p.command(&b, math)
		return b.String()
	case '}':
		return ""
	case 0: // a URL's placeholder is one argument
		if k := strings.IndexByte(p.s[p.i:], 1); k > 0 {
			p.i += k + 1
			return p.s[p.i-k-1 : p.i]
		}
	}
	_, n := utf8.DecodeRuneInString(p.s[p.i:])
	p.i += n
	return p.s[p.i-n : p.i]
}

// optional skips an optional [argument].
func (p *texParser) optional() {
	p.skipSpaces()
	if p.i < len(p.s) && p.s[p.i] == '[' {
		if k := strings.IndexByte(window(p.s, p.i, maxOptional), ']'); k >= 0 {
			p.i += k + 1
		}
	}
}

func (p *texParser) skipSpaces() {
	for p.i < len(p.s) && isSpaceByte(p.s[p.i]) {
		p.i++
	}
}

func (p *texParser) peekNonSpace() byte {
	for j := p.i; j < len(p.s); j++ {
		if !isSpaceByte(p.s[j]) {
			return p.s[j]
		}
	}
	return 0
}

// group reads a {group}. In math and around commands ({\it x}) the braces
// are TeX's and vanish; other braces in text are kept, as text may use them
// ({0, 1}). A "{url}" repeating the URL before it (a stripped \href) goes.
func (p *texParser) group(b *strings.Builder, math bool) {
	p.i++
	p.depth++
	defer func() { p.depth-- }()
	texy := math || (p.i < len(p.s) && p.s[p.i] == '\\')
	inner, closed := p.run(math, true)
	switch {
	case texy:
		b.WriteString(inner)
	case placeholderPattern.MatchString(inner) && strings.HasSuffix(b.String(), inner):
	default:
		b.WriteByte('{')
		b.WriteString(inner)
		if closed {
			b.WriteByte('}')
		}
	}
}

// word reads a word of letters. A known command name followed by "{" is TeX
// that lost its backslash ("textbf{x}", "textit{O}bstacles").
func (p *texParser) word(b *strings.Builder, math bool) {
	j := p.i
	for j < len(p.s) && isASCIILetter(p.s[j]) {
		j++
	}
	w := p.s[p.i:j]
	p.i = j
	if j < len(p.s) && p.s[j] == '{' && (textArgs[w] || mathArgs[w] || w == "mathbb" || w == "url" || w == "href") {
		p.named(b, w, math)
		return
	}
	b.WriteString(w)
}

// dollar reads "$": the start of inline math, or a literal dollar (money).
func (p *texParser) dollar(b *strings.Builder) {
	content, end, ok := p.mathSpan()
	if !ok {
		// An unclosed "$$" stays as it is, both dollars: taking the second
		// one as the start of $…$ math would leave the first to open math on
		// a second cleaning ("$$0$A$" → "$0A$" → "0A").
		n := 1
		if strings.HasPrefix(p.s[p.i:], "$$") {
			n = 2
		}
		b.WriteString(p.s[p.i : p.i+n])
		p.i += n
		return
	}
	b.WriteString(mathText(content))
	p.i = end
}

// maxMath is the longest $…$ span taken as math, in bytes.
const maxMath = 300

var moneyPattern = regexp.MustCompile(`^[0-9][0-9.,]*(?:[kKmMbB]|bn)?\s+\pL`)

// mathSpan decides whether the "$" at p.i opens math, with Pandoc's rules
// plus two for money: the opening "$" is not preceded by a letter or digit
// (US$44, 1$) and has no space after it; the closing "$" has no space before
// it and no digit after it ($5-$10); and the content does not read like an
// amount followed by words ("$5 and $").
func (p *texParser) mathSpan() (content string, end int, ok bool) {
	s, i := p.s, p.i
	if strings.HasPrefix(s[i:], "$$") {
		if k := strings.Index(window(s, i+2, maxMath+2), "$$"); k > 0 {
			return s[i+2 : i+2+k], i + 4 + k, true
		}
		return "", 0, false
	}
	if (i > 0 && isWordByte(s[i-1])) || i+1 >= len(s) || isSpaceByte(s[i+1]) {
		return "", 0, false
	}
	k := i + 1
	for k < len(s) && k-i-1 <= maxMath && (s[k] != '$' || s[k-1] == '\\') {
		k++
	}
	if k >= len(s) || s[k] != '$' {
		return "", 0, false
	}
	content = s[i+1 : k]
	if isSpaceByte(content[len(content)-1]) || (k+1 < len(s) && isDigit(s[k+1])) || moneyLike(content) {
		return "", 0, false
	}
	return content, k + 1, true
}

// moneyLike reports whether the content of a $…$ pair reads as amounts
// rather than math: it starts with a number and goes on with words ("5 and"),
// or with spaces or commas but no TeX operator ("200k, 1" in "$200k, 1$").
func moneyLike(content string) bool {
	if !isDigit(content[0]) {
		return false
	}
	return moneyPattern.MatchString(content) ||
		(strings.ContainsAny(content, " ,;") && !strings.ContainsAny(content, `\^_{}=+<>|*/`))
}

// delimitedMath reads \( … \) or \[ … \] math.
func (p *texParser) delimitedMath(b *strings.Builder, closing string) {
	k := strings.Index(window(p.s, p.i, maxMath+len(closing)), closing)
	if k < 0 {
		return
	}
	b.WriteString(mathText(p.s[p.i : p.i+k]))
	p.i += k + len(closing)
}

// window returns at most n bytes of s from i: the bounded look-ahead that
// keeps a search for a closing delimiter from rescanning the whole input.
func window(s string, i, n int) string {
	return s[i:min(len(s), i+n)]
}

// maxOptional is the longest [optional argument] looked for, in bytes.
const maxOptional = 40

func mathText(s string) string {
	p := texParser{s: s}
	out, _ := p.run(true, false)
	return out
}

// script reads a superscript or subscript. In text only the braced form
// (10^{19}, G_{stack}) is TeX: a bare "_" or "^" is kept (snake_case, π^3).
func (p *texParser) script(b *strings.Builder, math bool) {
	c := p.s[p.i]
	if !math && (p.i+1 >= len(p.s) || p.s[p.i+1] != '{' || isSpaceByte(p.prev())) {
		b.WriteByte(c)
		p.i++
		return
	}
	p.i++
	b.WriteString(scriptText(c, strings.TrimSpace(p.arg(true))))
}

// scriptText writes a script with Unicode super- or subscript characters when
// every character has one, and as readable ^x, _x or ^(…) otherwise.
func scriptText(c byte, a string) string {
	if a == "" {
		return ""
	}
	if c == '^' {
		switch a {
		case "′", "'", "*", "∗", "†", "‡":
			return a
		case "⊤":
			return "ᵀ"
		case "∘":
			return "°"
		}
	}
	table := superscripts
	if c == '_' {
		table = subscripts
	}
	if out, ok := mapAll(a, table); ok {
		return out
	}
	if utf8.RuneCountInString(a) == 1 || strings.IndexFunc(a, isNotAlnum) < 0 {
		return string(c) + a
	}
	return string(c) + "(" + a + ")"
}

// tilde reads "~": TeX's non-breaking space between words ("code~\url",
// "Fig.~3"), a literal tilde elsewhere ("~5%").
func (p *texParser) tilde(b *strings.Builder, math bool) {
	next := byte(0)
	if p.i+1 < len(p.s) {
		next = p.s[p.i+1]
	}
	// What precedes the tilde in the output decides, not in the source: in
	// "$0$~0" it is "0", as a second cleaning of "0~0" would see it.
	prev := p.prev()
	if out := b.String(); out != "" {
		prev = out[len(out)-1]
	}
	joins := (isWordByte(prev) || strings.IndexByte(".,)", prev) >= 0) &&
		(isWordByte(next) || strings.IndexByte(`\($`, next) >= 0)
	if math || joins {
		b.WriteByte(' ')
	} else {
		b.WriteByte('~')
	}
	p.i++
}

// punct copies one character, turning TeX quotes and dashes into Unicode.
func (p *texParser) punct(b *strings.Builder, math bool) {
	s := p.s[p.i:]
	n := 2
	switch {
	case !math && strings.HasPrefix(s, "``"):
		b.WriteString("“")
	case !math && strings.HasPrefix(s, "''"):
		b.WriteString("”")
	case !math && strings.HasPrefix(s, "---"):
		b.WriteString("—")
		n = 3
	case strings.HasPrefix(s, "--") && len(s) > 2 && dashJoins(p.prev(), s[2]):
		b.WriteString("–")
	case math && s[0] == '\'':
		b.WriteString("′")
		n = 1
	default:
		_, n = utf8.DecodeRuneInString(s)
		b.WriteString(s[:n])
	}
	p.i += n
}

// dashJoins reports whether "--" between prev and next is an en dash: a
// range (3--5) or a spaced dash ("a -- b"), not "--flag" or "-->".
func dashJoins(prev, next byte) bool {
	return (isDigit(prev) && isDigit(next)) || (prev == ' ' && next == ' ')
}

// accent puts a text accent (\'e, \"{u}, \c{c}) on the next character.
func (p *texParser) accent(b *strings.Builder, acc byte) {
	base := p.arg(false)
	if base == "" {
		if acc == '~' || acc == '^' {
			b.WriteByte(acc)
		}
		return
	}
	r, n := utf8.DecodeRuneInString(base)
	if r == 0 { // no accent on a URL
		b.WriteString(base)
		return
	}
	b.WriteString(compose(r, acc) + base[n:])
}

// compose returns r with the accent, precomposed when the table has it and
// followed by a combining mark otherwise.
func compose(r rune, acc byte) string {
	switch r {
	case 'ı':
		r = 'i'
	case 'ȷ':
		r = 'j'
	}
	pairs := []rune(precomposed[acc])
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i] == r {
			return string(pairs[i+1])
		}
	}
	return string(r) + string(textAccents[acc])
}

// combine puts a math accent (\hat{y}) on a single character.
func combine(a string, mark rune) string {
	if utf8.RuneCountInString(a) != 1 || a == "\x00" {
		return a
	}
	return a + string(mark)
}

// link renders \href{url}{text}.
func link(url, text string) string {
	text = strings.TrimSpace(text)
	if text == "" || text == url {
		return url
	}
	return text + " (" + url + ")"
}

// term wraps a fraction's part in parentheses unless it is one simple term.
func term(s string) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) <= 1 || strings.IndexFunc(s, isNotAlnum) < 0 {
		return s
	}
	return "(" + s + ")"
}

func mapAll(s string, table map[rune]rune) (string, bool) {
	var b strings.Builder
	for _, r := range s {
		m, ok := table[r]
		if !ok {
			return "", false
		}
		b.WriteRune(m)
	}
	return b.String(), true
}

func mapEach(s string, table map[rune]rune) string {
	return strings.Map(func(r rune) rune {
		if m, ok := table[r]; ok {
			return m
		}
		return r
	}, s)
}

func isASCIILetter(c byte) bool { return (c|0x20) >= 'a' && (c|0x20) <= 'z' }
func isDigit(c byte) bool       { return c >= '0' && c <= '9' }
func isSpaceByte(c byte) bool   { return c == ' ' || c == '\t' || c == '\n' }
func isNotAlnum(r rune) bool    { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }

// isWordByte reports whether c belongs to a word; bytes of multi-byte UTF-8
// characters count as letters.
func isWordByte(c byte) bool { return isASCIILetter(c) || isDigit(c) || c >= utf8.RuneSelf }

// TeX tables. Commands whose argument is kept, read as text or as math:
var (
	textArgs = setOf("textbf textit emph textsc texttt textrm textsf textsl textup textmd " +
		"textnormal text mbox hbox fbox underline uline textsuperscript")
	mathArgs = setOf("mathrm mathbf mathit mathsf mathtt mathnormal mathcal mathscr " +
		"mathfrak boldsymbol bm pmb operatorname ensuremath")
	// Commands whose argument means nothing to a reader.
	dropArgs = setOf("cite citep citet citealp citeauthor ref eqref autoref cref Cref " +
		"pageref label vspace hspace footnote begin end")
	ignoredCommands = setOf("it bf em rm sc tt sf sl up md normalfont itshape bfseries " +
		"scshape ttfamily rmfamily sffamily upshape slshape mdseries small large Large LARGE " +
		"huge Huge tiny scriptsize footnotesize normalsize noindent left right big Big bigg " +
		"Bigg bigl bigr Bigl Bigr biggl biggr displaystyle textstyle scriptstyle limits " +
		"nolimits mathstrut strut centering protect relax item nonumber notag")
	spaceCommands = setOf("quad qquad enspace enskip thinspace medspace thickspace space " +
		"newline linebreak par hfill")
)

// symbols maps commands to the characters they print.
var symbols = fieldPairs(`
alpha α beta β gamma γ delta δ epsilon ε varepsilon ε zeta ζ eta η theta θ vartheta ϑ
iota ι kappa κ varkappa ϰ lambda λ mu μ nu ν xi ξ omicron ο pi π varpi ϖ rho ρ varrho ϱ
sigma σ varsigma ς tau τ upsilon υ phi φ varphi φ chi χ psi ψ omega ω digamma ϝ
Alpha Α Beta Β Gamma Γ Delta Δ Epsilon Ε Zeta Ζ Eta Η Theta Θ Iota Ι Kappa Κ Lambda Λ
Mu Μ Nu Ν Xi Ξ Omicron Ο Pi Π Rho Ρ Sigma Σ Tau Τ Upsilon Υ Phi Φ Chi Χ Psi Ψ Omega Ω
times × cdot · div ÷ pm ± mp ∓ ast ∗ star ⋆ circ ∘ bullet • oplus ⊕ ominus ⊖ otimes ⊗
odot ⊙ cap ∩ cup ∪ setminus ∖ wedge ∧ land ∧ vee ∨ lor ∨ neg ¬ lnot ¬
leq ≤ le ≤ leqslant ≤ geq ≥ ge ≥ geqslant ≥ neq ≠ ne ≠ approx ≈ sim ∼ simeq ≃ cong ≅
equiv ≡ propto ∝ ll ≪ gg ≫ prec ≺ succ ≻ subset ⊂ subseteq ⊆ supset ⊃ supseteq ⊇
in ∈ notin ∉ ni ∋ perp ⊥ parallel ∥ mid ∣ vdash ⊢ models ⊨ triangleq ≜ coloneqq ≔
rightarrow → to → leftarrow ← gets ← Rightarrow ⇒ Leftarrow ⇐ leftrightarrow ↔
Leftrightarrow ⇔ longrightarrow ⟶ longleftarrow ⟵ Longrightarrow ⟹ implies ⟹ iff ⟺
mapsto ↦ uparrow ↑ downarrow ↓ Uparrow ⇑ Downarrow ⇓ hookrightarrow ↪
sum Σ prod ∏ coprod ∐ int ∫ iint ∬ oint ∮ bigcup ⋃ bigcap ⋂ bigoplus ⨁ bigotimes ⨂
infty ∞ partial ∂ nabla ∇ ell ℓ hbar ℏ Re ℜ Im ℑ aleph ℵ wp ℘ emptyset ∅ varnothing ∅
forall ∀ exists ∃ nexists ∄ angle ∠ triangle △ prime ′ dagger † ddagger ‡ dag † ddag ‡
top ⊤ bot ⊥ lceil ⌈ rceil ⌉ lfloor ⌊ rfloor ⌋ langle ⟨ rangle ⟩ lvert | rvert | vert |
lVert ‖ rVert ‖ Vert ‖ ldots … dots … cdots ⋯ vdots ⋮ ddots ⋱ therefore ∴ because ∵
checkmark ✓ surd √ S § P ¶ copyright © textcopyright © textregistered ® texttrademark ™
textdegree ° degree ° euro € texteuro € pounds £ textsterling £ textbackslash \
backslash \ textasciitilde ~ textasciicircum ^ textunderscore _ textbar | textless <
textgreater > textendash – textemdash — textbullet • textquoteleft ‘ textquoteright ’
textquotedblleft “ textquotedblright ” lbrace { rbrace } colon : flat ♭ sharp ♯
Box □ square □ diamond ⋄ textperiodcentered ·`)

// letterCommands print letters, used inside words: the spaces after them are
// TeX's command terminators, not word breaks.
var letterCommands = fieldPairs("ss ß o ø O Ø ae æ AE Æ oe œ OE Œ aa å AA Å l ł L Ł i ı j ȷ")

// textAccents maps TeX's accent commands to combining marks, and precomposed
// lists base letters and their accented forms, in pairs.
var (
	textAccents = map[byte]rune{'\'': '\u0301', '`': '\u0300', '^': '\u0302', '"': '\u0308',
		'~': '\u0303', '=': '\u0304', '.': '\u0307', 'c': '\u0327', 'v': '\u030C',
		'u': '\u0306', 'H': '\u030B', 'r': '\u030A', 'k': '\u0328', 'd': '\u0323',
		'b': '\u0331', 't': '\u0361'}
	precomposed = map[byte]string{
		'\'': "aáeéiíoóuúyýAÁEÉIÍOÓUÚYÝcćCĆnńNŃsśSŚzźZŹlĺLĹrŕRŔgǵGǴ",
		'`':  "aàeèiìoòuùAÀEÈIÌOÒUÙnǹNǸ",
		'^':  "aâeêiîoôuûAÂEÊIÎOÔUÛcĉCĈgĝGĜhĥHĤjĵJĴsŝSŜwŵWŴyŷYŶ",
		'"':  "aäeëiïoöuüyÿAÄEËIÏOÖUÜYŸ",
		'~':  "aãoõnñiĩuũAÃOÕNÑIĨUŨ",
		'=':  "aāeēiīoōuūAĀEĒIĪOŌUŪ",
		'.':  "zżZŻeėEĖcċCĊgġGĠIİ",
		'c':  "cçCÇsşSŞtţTŢ",
		'v':  "cčCČsšSŠzžZŽrřRŘeěEĚnňNŇdďDĎtťTŤ",
		'u':  "aăAĂgğGĞuŭUŬ",
		'H':  "oőOŐuűUŰ",
		'r':  "aåAÅuůUŮ",
		'k':  "aąAĄeęEĘ",
	}
	mathAccents = map[string]rune{"hat": '\u0302', "widehat": '\u0302', "tilde": '\u0303',
		"widetilde": '\u0303', "bar": '\u0304', "overline": '\u0305', "vec": '\u20D7',
		"dot": '\u0307', "ddot": '\u0308', "check": '\u030C', "breve": '\u0306',
		"acute": '\u0301', "grave": '\u0300', "mathring": '\u030A'}
)

// Unicode super- and subscripts, and double-struck letters, in pairs.
var (
	superscripts = runePairs("0⁰1¹2²3³4⁴5⁵6⁶7⁷8⁸9⁹+⁺-⁻−⁻=⁼(⁽)⁾aᵃbᵇcᶜdᵈeᵉfᶠgᵍhʰiⁱjʲkᵏlˡmᵐ" +
		"nⁿoᵒpᵖrʳsˢtᵗuᵘvᵛwʷxˣyʸzᶻAᴬBᴮDᴰEᴱGᴳHᴴIᴵJᴶKᴷLᴸMᴹNᴺOᴼPᴾRᴿTᵀUᵁVⱽWᵂαᵅβᵝγᵞδᵟθᶿφᵠχᵡ")
	subscripts = runePairs("0₀1₁2₂3₃4₄5₅6₆7₇8₈9₉+₊-₋−₋=₌(₍)₎aₐeₑhₕiᵢjⱼkₖlₗmₘnₙoₒpₚrᵣsₛtₜ" +
		"uᵤvᵥxₓβᵦγᵧρᵨφᵩχᵪ")
	doubleStruck = runePairs("RℝNℕZℤQℚCℂPℙHℍE𝔼1𝟙")
)

func setOf(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

func fieldPairs(s string) map[string]string {
	f := strings.Fields(s)
	m := make(map[string]string, len(f)/2)
	for i := 0; i+1 < len(f); i += 2 {
		m[f[i]] = f[i+1]
	}
	return m
}

func runePairs(s string) map[rune]rune {
	rs := []rune(s)
	m := make(map[rune]rune, len(rs)/2)
	for i := 0; i+1 < len(rs); i += 2 {
		m[rs[i]] = rs[i+1]
	}
	return m
}
