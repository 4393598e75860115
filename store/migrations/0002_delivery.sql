-- 0002_delivery: subscriptions and the delivery ledger.
--
-- Same portability rules as 0001: plain types, timestamps as fixed-width
-- RFC 3339 UTC text (NULL when unknown), lists as JSON text arrays.
-- Append-only: never edit this file once shipped; add 0003_….sql instead.

-- subscriptions holds one row per channel that gets the daily batch.
-- Deliveries do not reference it: unsubscribing must not erase what was
-- sent, or subscribing again would send the same day twice.
CREATE TABLE subscriptions (
	platform    TEXT    NOT NULL,               -- "discord" or "slack"
	channel     TEXT    NOT NULL,
	schedule    TEXT    NOT NULL DEFAULT '',    -- 5-field cron expression
	timezone    TEXT    NOT NULL DEFAULT '',    -- IANA name
	include     TEXT    NOT NULL DEFAULT '[]',  -- JSON array of keywords
	exclude     TEXT    NOT NULL DEFAULT '[]',  -- JSON array of keywords
	min_upvotes INTEGER NOT NULL DEFAULT 0,
	top         INTEGER NOT NULL DEFAULT 0,     -- 0 means all papers
	style       TEXT    NOT NULL DEFAULT '',    -- thread, digest or inline
	origin      TEXT    NOT NULL DEFAULT '',    -- config or chat
	since       TEXT    NOT NULL DEFAULT '',    -- first batch date, "YYYY-MM-DD"
	created_at  TEXT    NOT NULL,
	PRIMARY KEY (platform, channel)
);

-- deliveries is the ledger: one row per day's batch per channel. A row is
-- claimed (owner, claimed_until) before anything is sent, in a write
-- transaction, so two processes never deliver the same batch at once.
CREATE TABLE deliveries (
	platform      TEXT    NOT NULL,
	channel       TEXT    NOT NULL,
	date          TEXT    NOT NULL, -- batch date, "YYYY-MM-DD"
	state         TEXT    NOT NULL DEFAULT 'pending'
	                      CHECK (state IN ('pending', 'sent', 'failed')),
	owner         TEXT    NOT NULL DEFAULT '', -- '' when nobody holds the claim
	claimed_until TEXT,                        -- NULL when nobody holds the claim
	attempts      INTEGER NOT NULL DEFAULT 0,  -- claims so far
	next_retry    TEXT,                        -- NULL unless failed
	last_error    TEXT    NOT NULL DEFAULT '',
	thread        TEXT    NOT NULL DEFAULT '', -- where the day's papers go
	updated_at    TEXT    NOT NULL,
	PRIMARY KEY (platform, channel, date)
);

-- delivery_items holds the confirmed message ids of each post of a
-- delivery, one row per post, written as soon as the platform confirms it.
-- The primary key starts with the foreign key, so no extra index is needed.
CREATE TABLE delivery_items (
	platform    TEXT NOT NULL,
	channel     TEXT NOT NULL,
	date        TEXT NOT NULL,
	item        TEXT NOT NULL,              -- the post's key
	ids         TEXT NOT NULL DEFAULT '[]', -- JSON array of platform message ids
	recorded_at TEXT NOT NULL,
	PRIMARY KEY (platform, channel, date, item),
	FOREIGN KEY (platform, channel, date)
		REFERENCES deliveries (platform, channel, date) ON DELETE CASCADE
);
