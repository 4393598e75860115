-- 0006_replays: the requests answered already, so that a replayed Slack
-- request or Discord interaction is refused even after a restart.
--
-- id is the adapter's key with a prefix per platform ("slack:" + the
-- request's signature, "discord:" + the interaction id); expires_at is when
-- the request could no longer pass its own checks (timestamp window,
-- interaction lifetime), as fixed-width RFC 3339 UTC text. Rows past it are
-- deleted by the next request.
-- Append-only: never edit this file once shipped; add 0007_….sql instead.
CREATE TABLE replays (
	id         TEXT NOT NULL PRIMARY KEY,
	expires_at TEXT NOT NULL
);
CREATE INDEX replays_expires_at ON replays (expires_at);
