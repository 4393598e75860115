// Package cite reads and writes the citation formats researchers keep their
// reading in: BibTeX (Zotero, Mendeley, JabRef exports), CSL JSON, and plain
// lists of ids or links. It finds where an entry names its arXiv paper
// (Refs), and writes reading lists as BibTeX entries that carry their
// eprint. It knows nothing of papers or stores; paperboy/bot turns what it
// finds into paper ids.
//
// It imports only the standard library. No maintained Go BibTeX library
// resolves through the module proxy (github.com/nickng/bibtex and
// github.com/jschaf/bibtex are not served), so the parser is written here:
// small, bounded in what it reads, and forgiving like BibTeX itself.
package cite
