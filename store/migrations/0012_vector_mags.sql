-- 0012_vector_mags: a second bit a component beside vector_signs' sign
-- bits, so that the search by meaning of a process that has not loaded the
-- vectors orders the best few percent of papers by a two-bit code read with
-- the chunks, and reads only the few hundred int8 vectors of the best of
-- those instead of thousands (see store/vector_signs.go).
--
-- mags holds, for each vector of the chunk in the order of papers, the bit
-- of each component whose magnitude is at least 0.98 times the vector's
-- root mean square (little-endian words of 64, as signs). The chunks written
-- before have none: they are deleted here and written again, with both, by
-- the next read that finds vectors no chunk covers (see 0011). A chunk
-- whose mags is empty (written by an older paperboy since) is read as not
-- there.
-- Append-only: never edit this file once shipped; add a new one instead.
DELETE FROM vector_signs;
ALTER TABLE vector_signs ADD COLUMN mags BLOB NOT NULL DEFAULT x'';
