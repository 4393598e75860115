-- 0005_leases: claims that live with their owner.
--
-- token is the fencing token of the latest claim: every claim of a delivery
-- increments it, so an owner that was taken over can no longer renew,
-- record or finish. renewed_at is the last renewal by the owner's
-- heartbeat, for status ("in progress by host/pid, renewed 3 s ago").
-- claimed_until and renewed_at are kept to the millisecond (leases are
-- tens of seconds), in the same sortable fixed-width UTC text form.
ALTER TABLE deliveries ADD COLUMN token INTEGER NOT NULL DEFAULT 0;
ALTER TABLE deliveries ADD COLUMN renewed_at TEXT;

-- The scheduler lists unfinished deliveries every round; they are few
-- among many sent ones.
CREATE INDEX deliveries_unfinished ON deliveries (date) WHERE state <> 'sent';
