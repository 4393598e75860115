package check

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"paperboy/bot/text"
)

// TL;DR limits. The prompt asks for at most 30 words; TLDR allows some
// slack before it throws an answer away. An answer under the minimum ("2",
// "F'W2", "Yes.") says nothing, and must not replace Hugging Face's summary.
const (
	maxTLDRWords   = 40
	maxTLDRRunes   = 400
	minTLDRWords   = 3  // words with a letter
	minTLDRLetters = 15 // letters in all
)

// TLDR validates an LLM's answer and returns it as a clean one-liner,
// under the strictest Rules (see Rules.TLDR).
func TLDR(s string) (string, error) { return checkTLDR(s, Rules{}) }

// checkTLDR validates an LLM's answer and returns it as a clean one-liner.
// Quotes and whitespace around it and a leading "TL;DR:" label are removed;
// what is left must be one line and one sentence (a final period is fine;
// abbreviations and decimals do not end sentences) of 3 to 40 words, with at
// least 15 letters, no mention (@everyone, <@123>, <!here>…), no link (a
// scheme, www., a markdown link, a name ending in a top-level domain by r,
// an IP address with or without a port, localhost), no markup (**, __, `,
// # headings, > quotes, <tags>, | tables) and no refusal or chat
// boilerplate.
// LLM output is untrusted: it is checked both as received and after
// CleanTitle, so that hidden characters cannot smuggle a mention through.
// The answer is cleaned until cleaning changes nothing (see cleanTLDR), so
// an accepted TL;DR passes TLDR again unchanged.
// A rejection is an *Error whose message gives the reason.
func checkTLDR(s string, r Rules) (string, error) {
	clean, err := checkSentence(s, r)
	if err != nil {
		return "", err
	}
	if err := checkMeaning(clean); err != nil {
		return "", err
	}
	return clean, nil
}

// checkSentence is checkTLDR without the minimum of meaning: one clean, safe
// sentence of at most maxTLDRWords words. Answers to questions check each
// of their sentences with it, since "See [2]." is a fine sentence of an
// answer but no TL;DR.
func checkSentence(s string, r Rules) (string, error) {
	raw := trimTLDR(s)
	if raw == "" {
		return "", errorf("The TL;DR is empty.")
	}
	if n := utf8.RuneCountInString(raw); n > 2*maxTLDRRunes { // before any regexp
		return "", errorf("The TL;DR is too long: %d characters, at most %d.", n, maxTLDRRunes)
	}
	if strings.ContainsAny(raw, "\n\r\v\f\u0085\u2028\u2029") {
		return "", errorf("The TL;DR has more than one line.")
	}
	clean, err := cleanTLDR(raw)
	if err != nil {
		return "", err
	}
	if clean == "" {
		return "", errorf("The TL;DR is empty.")
	}
	for _, text := range []string{raw, clean} {
		if err := checkUnsafe(text, r); err != nil {
			return "", err
		}
	}
	if err := checkShape(clean); err != nil {
		return "", err
	}
	return clean, nil
}

// cleanPasses bounds how often cleanTLDR cleans an answer.
const cleanPasses = 4

// cleanTLDR cleans s (CleanTitle, then trimTLDR) until that changes nothing,
// so that an accepted TL;DR is checked as it will look and stays the same
// when checked again. Cleaning TeX can leave text that cleans again: math
// "$---$" gives "---", which is an em dash in text; "TL;DR: TL;DR: x" loses
// one label a pass. An answer still changing after cleanPasses is nested
// markup, and rejected.
func cleanTLDR(s string) (string, error) {
	for range cleanPasses {
		next := trimTLDR(text.CleanTitle(s))
		if next == s {
			return s, nil
		}
		s = next
	}
	return "", errorf("The TL;DR is nested markup, not plain text.")
}

// trimTLDR removes surrounding whitespace and quotes and a leading label.
func trimTLDR(s string) string {
	s = trimQuotes(s)
	if loc := tldrLabel.FindStringIndex(s); loc != nil {
		s = trimQuotes(s[loc[1]:])
	}
	return s
}

var tldrLabel = regexp.MustCompile(`(?i)^(?:tl;?\s?dr|tl-dr|summary|one-line summary)\s*[:.\-–—]\s*`)

// trimQuotes removes whitespace and pairs of quotes around s.
func trimQuotes(s string) string {
	for {
		s = strings.TrimSpace(s)
		first, n := utf8.DecodeRuneInString(s)
		last, m := utf8.DecodeLastRuneInString(s)
		if len(s) < n+m || !isQuote(first) || !isQuote(last) {
			return s
		}
		s = s[n : len(s)-m]
	}
}

func isQuote(r rune) bool { return strings.ContainsRune(`"'“”‘’«»„`, r) }

// Patterns of text that must not reach a chat. Mentions: Discord's @everyone,
// @here, @name and <@id>, <@&role>, <#channel>; Slack's <!here>,
// <!channel>, <!everyone> and <!subteam^id>. Links: schemes, www., markdown
// links and a name followed by a path; bare domains and addresses, which
// Slack turns into links by itself, are found by Rules.hasLinkName. An
// "@" inside a word is no mention: pass@1 and Recall@10 are metrics, and
// e-mail addresses are caught as domains.
var (
	mentionPattern = regexp.MustCompile(`(?:^|[^\pL\pN_])@[\pL\pN_.-]|<[@#!]`)
	linkPattern    = regexp.MustCompile(`(?i)[a-z][a-z0-9+.-]*://|\bwww\.|\[[^\]]*\]\(|` +
		`\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}/`)
	markupPattern = regexp.MustCompile("\\*\\*|__|`|~~|\\||^#|^>|^[-*+•]\\s|" +
		`</?[A-Za-z][^<>]*>|(?:^|[\s(])[*_][^\s*_](?:[^*_]*[^\s*_])?[*_](?:$|[\s.,;:!?)])`)
	refusalPattern = regexp.MustCompile(`(?i)^(?:sure\b|certainly\b|of course\b|here is\b|` +
		`here's\b|okay\b|ok\b|i cannot\b|i can't\b|i can not\b|i'm sorry\b|i am sorry\b|sorry\b|` +
		`i'm unable\b|i am unable\b|i apologi[sz]e\b|unfortunately\b|i don't\b|i do not\b)|` +
		`\bas an ai\b|\bas a (?:large )?language model\b|\bignore (?:all |any )?previous\b|` +
		`\bsystem prompt\b`)
)

// checkUnsafe rejects text that could ping, link or format in a chat, and
// boilerplate that is not a summary.
func checkUnsafe(s string, r Rules) error {
	switch {
	case mentionPattern.MatchString(s):
		return errorf("The TL;DR contains a mention.")
	case linkPattern.MatchString(s) || r.hasLinkName(s):
		return errorf("The TL;DR contains a link.")
	case markupPattern.MatchString(s):
		return errorf("The TL;DR contains markup (**, __, `, #, >, <tag> or |).")
	case refusalPattern.MatchString(s):
		return errorf("The TL;DR is a refusal or boilerplate, not a summary.")
	}
	return nil
}

// checkShape enforces one sentence of at most maxTLDRRunes characters and
// maxTLDRWords words.
func checkShape(s string) error {
	if n := utf8.RuneCountInString(s); n > maxTLDRRunes {
		return errorf("The TL;DR is too long: %d characters, at most %d.", n, maxTLDRRunes)
	}
	if n := len(text.Sentences(s)); n != 1 {
		return errorf("The TL;DR must be one sentence; it has %d.", n)
	}
	if n := len(strings.Fields(s)); n > maxTLDRWords {
		return errorf("The TL;DR is too long: %d words, at most %d.", n, maxTLDRWords)
	}
	return nil
}

// checkMeaning returns an error unless s has minTLDRWords words with a
// letter and minTLDRLetters letters or more: "2" or "F'W2" is no TL;DR.
func checkMeaning(s string) error {
	fields := strings.Fields(s)
	words := 0
	for _, f := range fields {
		if strings.ContainsFunc(f, unicode.IsLetter) {
			words++
		}
	}
	if letters := countFunc(s, unicode.IsLetter); words < minTLDRWords || letters < minTLDRLetters {
		return errorf("The TL;DR is too short to say anything: %d words and %d letters, at least %d and %d.",
			words, letters, minTLDRWords, minTLDRLetters)
	}
	return nil
}

// countFunc counts the runes of s for which f is true.
func countFunc(s string, f func(rune) bool) int {
	n := 0
	for _, c := range s {
		if f(c) {
			n++
		}
	}
	return n
}
