-- 0009_signals: what channels said about papers (Save, "Not for us").
--
-- One row per person, paper, channel and kind: saving twice is one save.
-- kind is 'save' (the paper is on the channel's reading list) or
-- 'not_for_us' (one person's quiet negative, for ranking by taste).
-- paper_id is the canonical arXiv id as text, not a reference to papers:
-- a paper seeded from an export before it is fetched is kept and counted as
-- pending, and resolves by itself once the paper is stored. user_id is the
-- platform's user id ("cli" from the command line); user_name is how the
-- person was shown when they gave the signal, for "saved by" lists that
-- never mention (and so ping) anyone.
-- Append-only: never edit this file once shipped; add 0010_….sql instead.
CREATE TABLE signals (
	id         INTEGER PRIMARY KEY,
	platform   TEXT    NOT NULL,
	channel    TEXT    NOT NULL,
	paper_id   TEXT    NOT NULL,
	user_id    TEXT    NOT NULL,
	user_name  TEXT    NOT NULL DEFAULT '',
	kind       TEXT    NOT NULL,
	created_at TEXT    NOT NULL,
	UNIQUE (platform, channel, paper_id, user_id, kind)
);
CREATE INDEX signals_channel ON signals (platform, channel, kind, created_at);
CREATE INDEX signals_paper ON signals (paper_id);
