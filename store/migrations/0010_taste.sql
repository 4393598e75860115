-- 0010_taste: ranking by taste (#17).
--
-- subscriptions.rank orders a channel's candidates before top cuts them:
-- "upvotes", "taste" or "auto" ('' means auto); interests is the channel's
-- sentence for its taste model.
--
-- taste_state keeps what ranking by taste learnt, so that a post process
-- reuses it instead of rebuilding it, and every replica sees the same:
-- the vocabulary (name "vocabulary") and each channel's model (name
-- "channel:<platform>:<channel>"). fingerprint says what a state was made
-- from (a model's: its vocabulary, signals and sentence); papers how many
-- papers were stored when it was made; data is the encoding of package
-- bot/taste. Everything in it can be rebuilt from papers and signals, so
-- copy-store leaves it out.
-- Append-only: never edit this file once shipped; add 0011_….sql instead.
ALTER TABLE subscriptions ADD COLUMN rank TEXT NOT NULL DEFAULT '';
ALTER TABLE subscriptions ADD COLUMN interests TEXT NOT NULL DEFAULT '';

CREATE TABLE taste_state (
	name        TEXT    PRIMARY KEY,
	fingerprint TEXT    NOT NULL,
	papers      INTEGER NOT NULL,
	data        BLOB    NOT NULL,
	updated_at  TEXT    NOT NULL
);
