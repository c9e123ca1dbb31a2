-- The rollups' primary keys carry the figures (INCLUDE), so that a query reads them from the
-- key's index alone (an index-only scan) instead of one heap page per row: a county's team
-- figures for a year are thousands of rows, written by the compactor at different times and so
-- scattered over the heap; in the index they lie together. The keys themselves are unchanged
-- (the compactor's ON CONFLICT still finds them); the indexes grow by the figures' width.
--
-- Rebuilding the keys takes a lock on the two tables while it runs (about a minute per 10M
-- rollup rows here): queries and the compactor wait; writes of records and events do not,
-- since they only append deltas.

ALTER TABLE activity_rollups
  DROP CONSTRAINT activity_rollups_pkey,
  ADD CONSTRAINT activity_rollups_pkey
    PRIMARY KEY (dim_kind, period_kind, depth, region_code, period, dim_value)
    INCLUDE (events, headcount, headcount_events, audience, audience_events, attendance_records,
             attendance_minutes, manual_records, manual_minutes);

ALTER TABLE active_counts
  DROP CONSTRAINT active_counts_pkey,
  ADD CONSTRAINT active_counts_pkey
    PRIMARY KEY (dim_kind, period_kind, depth, region_code, period, dim_value) INCLUDE (people);
