-- 0008_vectors: papers' embedding vectors, for search by meaning.
--
-- One vector per paper, with the model that made it: a paper embedded by
-- another model than the configured one counts as not embedded, so changing
-- the model re-embeds instead of mixing vector spaces. vector holds the
-- unit-length vector quantised to int8, one byte per dimension (see
-- bot.Quantize); scale turns a byte back into a component (component =
-- byte / scale). id changes on every write (INSERT OR REPLACE takes a new
-- rowid), so count(*) and max(id) per model tell a reader whether its copy
-- of the vectors in memory is current.
-- Append-only: never edit this file once shipped; add 0008_….sql instead.
CREATE TABLE paper_vectors (
	id         INTEGER PRIMARY KEY,
	paper      INTEGER NOT NULL UNIQUE REFERENCES papers (id) ON DELETE CASCADE,
	model      TEXT    NOT NULL,
	dims       INTEGER NOT NULL,
	scale      REAL    NOT NULL,
	vector     BLOB    NOT NULL,
	created_at TEXT    NOT NULL
);
CREATE INDEX paper_vectors_model ON paper_vectors (model, id);
