-- 0009_vector_signs (PostgreSQL): SQLite's 0011_vector_signs for the second
-- engine; see that file for what the columns mean and why the rows are
-- written by the store rather than here. The blobs are bytea.
-- Append-only: never edit this file once shipped; add a new one instead.
CREATE TABLE vector_signs (
	model    TEXT    NOT NULL,
	first_id BIGINT  NOT NULL,
	last_id  BIGINT  NOT NULL,
	dims     INTEGER NOT NULL,
	papers   BYTEA   NOT NULL,
	signs    BYTEA   NOT NULL,
	PRIMARY KEY (model, first_id)
);

CREATE FUNCTION paper_vectors_unsign() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM vector_signs
	WHERE model = OLD.model AND first_id <= OLD.id AND last_id >= OLD.id;
	RETURN OLD;
END
$$;

CREATE TRIGGER paper_vectors_unsign AFTER DELETE ON paper_vectors
	FOR EACH ROW EXECUTE FUNCTION paper_vectors_unsign();
