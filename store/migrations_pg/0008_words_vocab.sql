-- 0008_words_vocab (PostgreSQL only): the words of titles and bylines, each
-- with the number of papers that have it there, for spelling (store/vocab.go),
-- what SQLite's fts5vocab table papers_words_vocab is. Before it, each looked
-- up word cost a GIN probe whose matches PostgreSQL had to recheck by reading
-- up to 100 papers' tsvectors (the probe asks for title and author lexemes,
-- weights A and C): 220 ms of a 270 ms search for a long question at 3,000
-- papers. A row here is one index lookup.
--
-- The words are the title and author lexemes of papers.search, stemmed and
-- as written, exactly what the probes matched. Triggers keep the counts,
-- once per statement: SaveBatch writes many papers in one statement, and
-- each statement adds its words' counts in one upsert, in word order, so
-- that two writers lock shared words in the same order. A word whose count
-- falls to 0 keeps its row; readers ask for doc > 0.
-- Append-only: never edit this file once shipped; add a later file instead.
CREATE TABLE papers_words_vocab (
	term TEXT COLLATE "C" PRIMARY KEY, -- "C": a prefix is a range of terms
	doc  INTEGER NOT NULL
);

-- papers_words returns the title and author lexemes of a papers.search.
CREATE FUNCTION papers_words(search tsvector) RETURNS text[]
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	AS $$ SELECT tsvector_to_array(ts_filter(search, '{a,c}')) $$;

CREATE FUNCTION papers_words_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		INSERT INTO papers_words_vocab AS v (term, doc)
		SELECT t, count(*) FROM new_papers, unnest(papers_words(search)) AS t GROUP BY t ORDER BY t
		ON CONFLICT (term) DO UPDATE SET doc = v.doc + excluded.doc;
	ELSIF TG_OP = 'DELETE' THEN
		INSERT INTO papers_words_vocab AS v (term, doc)
		SELECT t, -count(*) FROM old_papers, unnest(papers_words(search)) AS t GROUP BY t ORDER BY t
		ON CONFLICT (term) DO UPDATE SET doc = v.doc + excluded.doc;
	ELSE
		-- Only the words a statement added or removed: refreshing a paper's
		-- upvotes changes no count.
		INSERT INTO papers_words_vocab AS v (term, doc)
		SELECT t, sum(n) FROM (
			SELECT t, 1 AS n FROM new_papers, unnest(papers_words(search)) AS t
			UNION ALL
			SELECT t, -1 FROM old_papers, unnest(papers_words(search)) AS t
		) AS d GROUP BY t HAVING sum(n) <> 0 ORDER BY t
		ON CONFLICT (term) DO UPDATE SET doc = v.doc + excluded.doc;
	END IF;
	RETURN NULL;
END $$;

CREATE TRIGGER papers_words_insert AFTER INSERT ON papers
	REFERENCING NEW TABLE AS new_papers
	FOR EACH STATEMENT EXECUTE FUNCTION papers_words_count();
CREATE TRIGGER papers_words_update AFTER UPDATE ON papers
	REFERENCING OLD TABLE AS old_papers NEW TABLE AS new_papers
	FOR EACH STATEMENT EXECUTE FUNCTION papers_words_count();
CREATE TRIGGER papers_words_delete AFTER DELETE ON papers
	REFERENCING OLD TABLE AS old_papers
	FOR EACH STATEMENT EXECUTE FUNCTION papers_words_count();

INSERT INTO papers_words_vocab (term, doc)
SELECT t, count(*) FROM papers, unnest(papers_words(search)) AS t GROUP BY t;
