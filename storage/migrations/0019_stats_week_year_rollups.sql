-- Activity rollups per calendar year (period_kind 5) and, down to counties (depth 3), per week
-- (period_kind 6, Monday-based, China time), beside the days (1) and months (2). A query over a
-- year read twelve monthly rows per key and up to thirty daily rows at each edge of a window
-- that cuts months: a county's 1,504 teams at 100M records missed p99 20 ms. With these, a
-- calendar year is one row per key, and an edge of a window is at most six days either side of
-- its whole weeks (docs/design/stats.md, "The read path"). Below counties a region's rows are
-- sparse and a week's row would mostly repeat a day's: with weeks at every depth, the rollups of
-- 100M records did not fit the benchmark machine's disk.
--
-- The compactor folds each change into the new grains from this version on; the rows already
-- folded are summed here. Stop the servers of earlier versions before migrating: their
-- compactor would fold changes into days and months only.

INSERT INTO activity_rollups
  (dim_kind, period_kind, depth, region_code, period, dim_value, events, headcount,
   headcount_events, audience, audience_events, attendance_records, attendance_minutes,
   manual_records, manual_minutes)
SELECT dim_kind, CASE period_kind WHEN 1 THEN 6 ELSE 5 END, depth, region_code,
       date_trunc(CASE period_kind WHEN 1 THEN 'week' ELSE 'year' END, period::timestamp)::date,
       dim_value, sum(events), sum(headcount), sum(headcount_events), sum(audience),
       sum(audience_events), sum(attendance_records), sum(attendance_minutes),
       sum(manual_records), sum(manual_minutes)
FROM activity_rollups
WHERE period_kind = 2 OR (period_kind = 1 AND depth <= 3)
GROUP BY 1, 2, 3, 4, 5, 6;
