// Package check validates what an LLM writes before anyone sees it: a
// TL;DR (TLDR: one clean, safe sentence with something to say), an answer
// to a question about numbered papers (Answer: cited by number, each
// sentence as safe as a TL;DR) and the arXiv ids an answer names in its
// prose (NamedPapers). Rules carry the one piece of outside knowledge the
// checks need, what a top-level domain is, so that a bare domain counts as
// a link.
//
// LLM output is untrusted, so each check cleans the text (bot/text) and
// refuses what could ping, link or format in a chat. A rejection is an
// *Error whose message says why; paperboy/bot reports it as EINVALID.
//
// It imports the standard library and paperboy/bot/text only. It knows
// nothing of papers: callers pass what a check needs as plain values (the
// number of papers given, their ids).
package check
