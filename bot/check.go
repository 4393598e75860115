package bot

import (
	"errors"

	"paperboy/bot/check"
)

// checkTLDR checks an LLM's TL;DR under the engine's rules (bot/check), a
// rejection as an EINVALID *Error with its reason.
func (e *Engine) checkTLDR(s string) (string, error) {
	clean, err := e.TLDRRules.TLDR(s)
	return clean, rejected(err)
}

// checkAnswer checks an LLM's answer about papers under the engine's rules
// (bot/check): its citations by number, its sentences, and the arXiv ids
// its prose names. A rejection is an EINVALID *Error with its reason.
func (e *Engine) checkAnswer(raw string, papers []Paper) (string, []int, error) {
	answer, cited, err := e.TLDRRules.Answer(raw, len(papers))
	if err == nil {
		ids := make([]string, len(papers))
		for i, p := range papers {
			ids[i] = p.ID
		}
		err = check.NamedPapers(answer, ids)
	}
	return answer, cited, rejected(err)
}

// rejected turns a rejection by bot/check into an EINVALID *Error with the
// same message; nil and other errors pass unchanged.
func rejected(err error) error {
	var r *check.Error
	if errors.As(err, &r) {
		return &Error{Code: EINVALID, Message: r.Message}
	}
	return err
}
