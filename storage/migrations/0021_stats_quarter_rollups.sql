-- Activity rollups per calendar quarter (period_kind 4, as in active_counts), down to counties
-- (depth 3) like the weeks. A window that cuts years read up to twelve monthly rows per key
-- between the years' edges: the busiest county's 1,504 teams over July to June were 15,000 rows
-- before their top 10 was cut, and missed p99 20 ms at 100M records. With quarters, the whole
-- quarters of such a window are four rows per key and the rest at most two months either side
-- (docs/design/stats.md, "The read path"). Below counties a region's rows are sparse and a
-- quarter's row would mostly repeat a month's.
--
-- The compactor folds each change into quarters from this version on; the rows already folded
-- are summed here from the months. Stop the servers of earlier versions before migrating: their
-- compactor would fold changes without them. A server of this version that started before the
-- migration ran (--migrate=false) may already have folded some changes into quarters: those rows
-- are replaced, under the compactor's lock (zhiyuand's kCompactLockKey, "zystats\1"), which
-- waits for a fold under way and makes every compactor skip its folds until this commits. The
-- compactor writes a change's month and quarter in one statement, so the months hold it too.

SELECT pg_advisory_xact_lock(x'7a79737461747301'::bigint);

-- Every dimension kind named, so that the primary key finds the quarters rather than a scan of
-- every row.
DELETE FROM activity_rollups WHERE dim_kind IN (0, 1, 2, 3, 4) AND period_kind = 4;

INSERT INTO activity_rollups
  (dim_kind, period_kind, depth, region_code, period, dim_value, events, headcount,
   headcount_events, audience, audience_events, attendance_records, attendance_minutes,
   manual_records, manual_minutes)
SELECT dim_kind, 4, depth, region_code, date_trunc('quarter', period::timestamp)::date,
       dim_value, sum(events), sum(headcount), sum(headcount_events), sum(audience),
       sum(audience_events), sum(attendance_records), sum(attendance_minutes),
       sum(manual_records), sum(manual_minutes)
FROM activity_rollups
WHERE period_kind = 2 AND depth <= 3
GROUP BY dim_kind, depth, region_code, date_trunc('quarter', period::timestamp)::date, dim_value
ORDER BY 1, 3, 4, 5, 6;
