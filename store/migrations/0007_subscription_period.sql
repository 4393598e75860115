-- 0007_subscription_period: what one delivery of a subscription covers.
--
-- period is "day" (the daily batch; '' in rows written before this
-- migration means the same), "week" (the ISO week's top papers) or "month"
-- (the calendar month's). A week or month delivery has its own ledger rows:
-- channel + '#week' or '#month', dated the period's first day.
-- Append-only: never edit this file once shipped; add 0008_….sql instead.
ALTER TABLE subscriptions ADD COLUMN period TEXT NOT NULL DEFAULT '';
