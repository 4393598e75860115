-- 0008_title_words (PostgreSQL only): the words of titles and bylines, in
-- a tsvector and GIN index of their own, for respelling (store/vocab.go).
-- Respelling asks how many papers have a word in their title or byline,
-- for hundreds of candidate words a query. On papers.search that is a
-- lexeme with weight A or C, which the GIN index cannot tell from the
-- same lexeme in an abstract: every paper with the word anywhere was
-- fetched and rechecked, and a query with one long unknown word cost
-- seconds. Here a lexeme is a title or byline word, and the index alone
-- answers. The same lexemes as papers.search has with weights A and C
-- (stemmed and as written), so respelling picks the same words as before.
-- SQLite needs none: its papers_words index has a vocabulary table.
-- Adding the column rewrites papers once.
-- Append-only: never edit this file once shipped; add a later file instead.
ALTER TABLE papers ADD COLUMN title_words tsvector GENERATED ALWAYS AS (
	to_tsvector('paperboy_english', title) ||
	to_tsvector('paperboy_english', authors) ||
	to_tsvector('paperboy_simple', title) ||
	to_tsvector('paperboy_simple', authors)
) STORED;

CREATE INDEX papers_title_words ON papers USING gin (title_words);
