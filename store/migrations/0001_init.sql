-- 0001_init: papers, their full-text indexes, day batches and the TL;DR cache.
--
-- Portability (toward PostgreSQL): plain types only. Timestamps are TEXT in
-- RFC 3339 UTC with a fixed width ("2026-08-19T00:00:00Z"), so they sort as
-- text; lists are JSON text arrays. Everything FTS5 (virtual tables, triggers,
-- the rank setting) is SQLite-only and used only from store's search code.
-- Append-only: never edit this file once shipped; add 0002_….sql instead.

-- papers holds one row per paper. id is the SQLite rowid (the FTS key and
-- what batch_papers points at); paper_id is the canonical arXiv id or a
-- derived "x-…" id, unique.
CREATE TABLE papers (
	id               INTEGER PRIMARY KEY,
	paper_id         TEXT    NOT NULL UNIQUE,
	title            TEXT    NOT NULL DEFAULT '',
	abstract         TEXT    NOT NULL DEFAULT '',
	authors          TEXT    NOT NULL DEFAULT '[]', -- JSON array, in byline order
	published        TEXT,                          -- v1 time, RFC 3339 UTC; NULL when unknown
	upvotes          INTEGER NOT NULL DEFAULT 0,
	arxiv_url        TEXT    NOT NULL DEFAULT '',
	pdf_url          TEXT    NOT NULL DEFAULT '',
	hf_url           TEXT    NOT NULL DEFAULT '',
	github_url       TEXT    NOT NULL DEFAULT '',
	project_url      TEXT    NOT NULL DEFAULT '',
	thumbnail        TEXT    NOT NULL DEFAULT '',
	ai_summary       TEXT    NOT NULL DEFAULT '',
	ai_summary_model TEXT    NOT NULL DEFAULT '',
	keywords         TEXT    NOT NULL DEFAULT '[]', -- JSON array
	categories       TEXT    NOT NULL DEFAULT '[]', -- JSON array
	created_at       TEXT    NOT NULL,
	updated_at       TEXT    NOT NULL
);

-- papers_fts is the search index: external content (the text lives only in
-- papers), Porter stemming so "transformer" finds "Transformers", and
-- diacritics folded so "naive" finds "naïve".
CREATE VIRTUAL TABLE papers_fts USING fts5(
	title, abstract, authors,
	content = 'papers', content_rowid = 'id',
	tokenize = 'porter unicode61 remove_diacritics 2'
);

-- Ranking is set once here, so queries can use the fast ORDER BY rank:
-- bm25 with a title hit worth 10 abstract hits and an author hit worth 3.
-- Titles are short and say what a paper is about; author names are rare
-- terms already, so a moderate weight is enough to surface "smith" queries.
INSERT INTO papers_fts(papers_fts, rank) VALUES ('rank', 'bm25(10.0, 1.0, 3.0)');

-- papers_words is a small second index over titles and authors only, without
-- stemming and with prefix indexes for 2 and 3 characters. The Porter index
-- stores stems ("diffusion" → "diffus"), so a partial last word such as
-- "diffusi" matches nothing there; search completes such a word from this
-- index's vocabulary (papers_words_vocab) and asks the main index for the
-- whole words. It is also the natural backend for autocomplete.
CREATE VIRTUAL TABLE papers_words USING fts5(
	title, authors,
	content = 'papers', content_rowid = 'id',
	tokenize = 'unicode61 remove_diacritics 2',
	prefix = '2 3'
);

-- papers_words_vocab lists papers_words' terms with their document counts.
CREATE VIRTUAL TABLE papers_words_vocab USING fts5vocab(papers_words, 'row');

-- The triggers keep both indexes in step with papers. The update triggers
-- fire only when indexed text really changed: the daily upvote refresh of a
-- known paper then costs no index work.
CREATE TRIGGER papers_ai AFTER INSERT ON papers BEGIN
	INSERT INTO papers_fts(rowid, title, abstract, authors)
	VALUES (new.id, new.title, new.abstract, new.authors);
	INSERT INTO papers_words(rowid, title, authors)
	VALUES (new.id, new.title, new.authors);
END;

CREATE TRIGGER papers_ad AFTER DELETE ON papers BEGIN
	INSERT INTO papers_fts(papers_fts, rowid, title, abstract, authors)
	VALUES ('delete', old.id, old.title, old.abstract, old.authors);
	INSERT INTO papers_words(papers_words, rowid, title, authors)
	VALUES ('delete', old.id, old.title, old.authors);
END;

CREATE TRIGGER papers_au_fts AFTER UPDATE OF title, abstract, authors ON papers
WHEN old.title IS NOT new.title OR old.abstract IS NOT new.abstract OR old.authors IS NOT new.authors
BEGIN
	INSERT INTO papers_fts(papers_fts, rowid, title, abstract, authors)
	VALUES ('delete', old.id, old.title, old.abstract, old.authors);
	INSERT INTO papers_fts(rowid, title, abstract, authors)
	VALUES (new.id, new.title, new.abstract, new.authors);
END;

CREATE TRIGGER papers_au_words AFTER UPDATE OF title, authors ON papers
WHEN old.title IS NOT new.title OR old.authors IS NOT new.authors
BEGIN
	INSERT INTO papers_words(papers_words, rowid, title, authors)
	VALUES ('delete', old.id, old.title, old.authors);
	INSERT INTO papers_words(rowid, title, authors)
	VALUES (new.id, new.title, new.authors);
END;

-- batches holds one row per day: which source the day's list came from.
CREATE TABLE batches (
	date       TEXT NOT NULL PRIMARY KEY, -- "YYYY-MM-DD"
	source     TEXT NOT NULL DEFAULT '',
	fetched_at TEXT NOT NULL
);

-- batch_papers is the day's ranked list; rank 0 is the day's top paper.
CREATE TABLE batch_papers (
	date  TEXT    NOT NULL REFERENCES batches (date) ON DELETE CASCADE,
	rank  INTEGER NOT NULL,
	paper INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
	PRIMARY KEY (date, rank)
);

-- The foreign key on paper needs an index, or deleting a paper scans the table.
CREATE INDEX batch_papers_paper ON batch_papers (paper);

-- summaries caches TL;DRs. It has no foreign key to papers on purpose: a
-- cache entry may be written for a paper looked up but not stored, and
-- dropping papers must not be slowed down by the cache.
CREATE TABLE summaries (
	paper_id       TEXT NOT NULL,
	model          TEXT NOT NULL,
	prompt_version TEXT NOT NULL,
	text           TEXT NOT NULL,
	source         TEXT NOT NULL,
	created_at     TEXT NOT NULL,
	PRIMARY KEY (paper_id, model, prompt_version)
);
