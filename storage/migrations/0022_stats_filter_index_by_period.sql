-- The index that finds one program's (category's, team's, post's) rollup rows lists them period
-- by period, and a period's regions in code order, so that a scope's regions lie together
-- within each period. Listed region by region (0018), a program's figures per county of a
-- province over a year were about eight seeks per county, one for each part of the window (its
-- years, quarters, months, weeks and days): some 800 index pages, most of them read from disk
-- when the page cache was cold at 100M records (p99 29.5 ms). Period by period, the query seeks
-- each period of the window once and reads the province's counties there together (about 30
-- seeks).
--
-- Rebuilding it takes a lock on activity_rollups while it runs (25 s for the 15M rollup rows of
-- 10M records here): queries and the compactor wait; writes of records and events do not, since they
-- only append deltas. Servers of earlier versions still answer correctly on it, only slower for
-- such queries: they read region by region.

DROP INDEX activity_rollups_dim_value;
CREATE INDEX activity_rollups_dim_value
  ON activity_rollups (dim_kind, period_kind, depth, dim_value, period, region_code)
  INCLUDE (events, headcount, headcount_events, audience, audience_events, attendance_records,
           attendance_minutes, manual_records, manual_minutes)
  WHERE dim_kind <> 0;
