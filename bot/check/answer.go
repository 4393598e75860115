package check

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"paperboy/bot/text"
)

// Answer limits. The prompt asks for a few sentences; Answer allows
// some slack before it throws an answer away.
const (
	maxAnswerSentences = 8
	maxAnswerRunes     = 1500
)

// NoAnswer is the reply the answer prompt asks for when the papers do not
// answer the question. Any answer without a citation counts the same way.
const NoAnswer = "NO_ANSWER"

// citationPattern matches a citation: [1], [2, 3] or [2,3].
var citationPattern = regexp.MustCompile(`\[\s*(\d{1,3}(?:\s*,\s*\d{1,3})*)\s*\]`)

// Answer validates an LLM's answer to a question about n numbered
// papers and returns it cleaned, with the numbers of the papers it cites in
// the order they are first cited. Citations look like [1] or [1, 2] and
// must each name a paper between 1 and n; any other bracket is refused.
// Every sentence must pass the checks of a TL;DR (see TLDR: no
// mention, no link, no markup, no refusal or boilerplate), and the answer
// must stay within a few sentences.
//
// An answer of NoAnswer, or one that cites nothing, means the papers do not
// answer the question: Answer then returns "" and no citations, and no
// error, because nothing of it will be shown. A rejection is an *Error
// whose message gives the reason.
func Answer(s string, n int) (string, []int, error) { return Rules{}.Answer(s, n) }

// Answer is the package's Answer under the rules r (what counts
// as a link), as the engine checks answers.
func (r Rules) Answer(s string, n int) (string, []int, error) {
	s = strings.TrimSpace(s)
	if strings.EqualFold(strings.TrimRight(s, ". "), NoAnswer) || !citationPattern.MatchString(s) {
		return "", nil, nil
	}
	if utf8.RuneCountInString(s) > 2*maxAnswerRunes { // before any regexp
		return "", nil, errorf("The answer is too long.")
	}
	cited, err := citations(s, n)
	if err != nil {
		return "", nil, err
	}
	var out []string
	for _, line := range strings.Split(s, "\n") {
		for _, sentence := range text.Sentences(line) {
			clean, err := checkSentence(sentence, r)
			if err != nil {
				return "", nil, errorf("A sentence of the answer failed the checks: %s", err.Error())
			}
			out = append(out, clean)
		}
	}
	answer := strings.Join(out, " ")
	if len(out) > maxAnswerSentences || utf8.RuneCountInString(answer) > maxAnswerRunes {
		return "", nil, errorf("The answer is too long: %d sentences, at most %d.", len(out), maxAnswerSentences)
	}
	// Cleaning must not have changed what is cited.
	if again, err := citations(answer, n); err != nil || !slices.Equal(again, cited) {
		return "", nil, errorf("The answer's citations did not survive cleaning.")
	}
	return answer, cited, nil
}

// citations returns the paper numbers s cites, each once, in order of first
// citation. A number outside 1..n, or a bracket that is not a citation, is
// an *Error.
func citations(s string, n int) ([]int, error) {
	var cited []int
	for _, m := range citationPattern.FindAllStringSubmatch(s, -1) {
		for _, f := range strings.Split(m[1], ",") {
			k, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || k < 1 || k > n {
				return nil, errorf("The answer cites [%s], which is not one of the %d papers it was given.", strings.TrimSpace(f), n)
			}
			if !slices.Contains(cited, k) {
				cited = append(cited, k)
			}
		}
	}
	if strings.ContainsAny(citationPattern.ReplaceAllString(s, ""), "[]") {
		return nil, errorf("The answer has brackets that are not citations.")
	}
	return cited, nil
}

// proseIDPattern finds arXiv ids written anywhere in text: new-style ones
// with a real month (2401.01335, arXiv:2401.01335v2) and old-style ones
// (hep-th/9901001), not inside a longer number or word.
var proseIDPattern = regexp.MustCompile(`(?i)(?:^|[^\w.])(?:arxiv:\s*)?(\d{2}(?:0[1-9]|1[0-2])\.\d{4,5}|[a-z][a-z\-]*(?:\.[a-z]{2})?/\d{7})(?:v\d+)?(?:$|[^\w])`)

// NamedPapers refuses an answer that names, in its prose, an arXiv id
// that is not one of ids, the canonical ids of the papers it was given
// (no "arXiv:" prefix, no version): a citation is checked by number
// (Answer), but "as 2401.01335 shows" would send a reader to a paper the
// answer was not drawn from. The error is an *Error naming the id.
func NamedPapers(answer string, ids []string) error {
	for _, m := range proseIDPattern.FindAllStringSubmatch(answer, -1) {
		// The pattern's group is already canonical: the prefix and the
		// version lie outside it.
		id := strings.ToLower(m[1])
		if !slices.Contains(ids, id) {
			return errorf("The answer names arXiv paper %s, which is not one of the %d papers it was given.", id, len(ids))
		}
	}
	return nil
}
