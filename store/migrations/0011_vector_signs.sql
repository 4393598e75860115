-- 0011_vector_signs: the sign bits of paper_vectors, in chunks, so that a
-- process that has not loaded the vectors (a one-shot `paperboy search`)
-- reads them alone for the first stage of search by meaning: 96 bytes a
-- vector of 768 dimensions instead of 768, in a few dozen rows instead of
-- one a paper (see store/vector_signs.go).
--
-- A chunk holds the vectors of one model whose paper_vectors ids lie in
-- first_id..last_id, as they were when it was written: papers, their papers'
-- rowids (zigzag varint deltas, in id order); signs, each vector's sign bits
-- (one bit a component, little-endian words of 64). Rows are not filled
-- here: SQL cannot compute the bits portably, so the store writes them from
-- the vectors the first time it reads vectors that no chunk covers (once
-- after this migration, then once per 1,024 new vectors).
--
-- A deleted vector (a paper embedded again, by any model, or a deleted
-- paper) deletes the chunk that covers it, by the trigger below: a chunk is
-- never stale, and its rows are read from paper_vectors until written again.
-- Append-only: never edit this file once shipped; add a new one instead.
CREATE TABLE vector_signs (
	model    TEXT    NOT NULL,
	first_id INTEGER NOT NULL,
	last_id  INTEGER NOT NULL,
	dims     INTEGER NOT NULL,
	papers   BLOB    NOT NULL,
	signs    BLOB    NOT NULL,
	PRIMARY KEY (model, first_id)
);

CREATE TRIGGER paper_vectors_unsign AFTER DELETE ON paper_vectors BEGIN
	DELETE FROM vector_signs
	WHERE model = old.model AND first_id <= old.id AND last_id >= old.id;
END;
