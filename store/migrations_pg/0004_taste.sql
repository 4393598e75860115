-- 0004_taste (PostgreSQL): SQLite's 0010_taste for the second engine; see
-- that file for what the columns mean. data is bytea.
-- Append-only: never edit this file once shipped; add 0005_….sql instead.
ALTER TABLE subscriptions ADD COLUMN rank TEXT NOT NULL DEFAULT '';
ALTER TABLE subscriptions ADD COLUMN interests TEXT NOT NULL DEFAULT '';

CREATE TABLE taste_state (
	name        TEXT    PRIMARY KEY,
	fingerprint TEXT    NOT NULL,
	papers      BIGINT  NOT NULL,
	data        BYTEA   NOT NULL,
	updated_at  TEXT    NOT NULL
);
