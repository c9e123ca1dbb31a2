-- Figures (zhiyuan.v1.StatsService), kept exact and fast without a hot row (docs/design/stats.md).
--
-- Triggers on the source tables append what each change adds to or takes from the figures to a
-- delta table, in the writing transaction and without touching any shared row. A compactor in
-- zhiyuand folds the deltas into rollups in the background. A query reads the rollups plus the
-- deltas not yet folded, so it sees every committed write.
--
-- A rollup row holds a region's figures at a grouping depth: at depth d (1 province .. 5
-- village) the row of region r holds everything whose region's ancestor at level d is r, or,
-- for things located above level d, whose region is r itself. So grouping a scope by level d
-- reads the depth-d rows under the scope's code, and the rows always add up to the scope.

-- Activity: what a credited service record or a held event adds to the figures of the event's
-- region, organizing team, program (0: none), category and post (0: none) on a day (China
-- time: the check-in's for records, the scheduled start's for events). One row per change of a
-- record or event, with negative measures for what the change takes away. volunteer_number is
-- the record's volunteer ('' for an event's own figures).
CREATE TABLE activity_deltas (
  volunteer_number   text COLLATE "C" NOT NULL,
  region_code        text COLLATE "C" NOT NULL,
  team_id            bigint NOT NULL,
  program_id         bigint NOT NULL,
  category           smallint NOT NULL,
  post_id            bigint NOT NULL,
  day                date NOT NULL,
  events             integer NOT NULL DEFAULT 0,
  headcount          bigint NOT NULL DEFAULT 0,
  headcount_events   integer NOT NULL DEFAULT 0,
  audience           bigint NOT NULL DEFAULT 0,
  audience_events    integer NOT NULL DEFAULT 0,
  attendance_records integer NOT NULL DEFAULT 0,
  attendance_minutes bigint NOT NULL DEFAULT 0,
  manual_records     integer NOT NULL DEFAULT 0,
  manual_minutes     bigint NOT NULL DEFAULT 0
);

-- Folded activity: sums per grouping depth and region, period (1 day, 2 month: its first day)
-- and dimension (0 none, 1 program, 2 category, 3 team, 4 post, with its value; 0 for none).
CREATE TABLE activity_rollups (
  dim_kind           smallint NOT NULL,
  period_kind        smallint NOT NULL,
  depth              smallint NOT NULL,
  region_code        text COLLATE "C" NOT NULL,
  period             date NOT NULL,
  dim_value          bigint NOT NULL,
  events             bigint NOT NULL,
  headcount          bigint NOT NULL,
  headcount_events   bigint NOT NULL,
  audience           bigint NOT NULL,
  audience_events    bigint NOT NULL,
  attendance_records bigint NOT NULL,
  attendance_minutes bigint NOT NULL,
  manual_records     bigint NOT NULL,
  manual_minutes     bigint NOT NULL,
  PRIMARY KEY (dim_kind, period_kind, depth, region_code, period, dim_value)
);

-- One program's (team's, ...) rows in a scope, when a query filters by it.
CREATE INDEX activity_rollups_dim_value
  ON activity_rollups (dim_kind, period_kind, depth, dim_value, region_code, period)
  WHERE dim_kind <> 0;

-- Distinct volunteers with a credited record, per depth and region, calendar month (period_kind
-- 3), quarter (4) or year (5) in China time, without a dimension (dim_kind 0) or per program (1,
-- dim_value 0 for none). The compactor keeps it: a change moves the count only when it gives a
-- volunteer their first credited record under a key, or takes away their last.
CREATE TABLE active_counts (
  dim_kind    smallint NOT NULL,
  period_kind smallint NOT NULL,
  depth       smallint NOT NULL,
  region_code text COLLATE "C" NOT NULL,
  period      date NOT NULL,
  dim_value   bigint NOT NULL,
  people      bigint NOT NULL,
  PRIMARY KEY (dim_kind, period_kind, depth, region_code, period, dim_value)
);

-- Directory counts: 1 teams (sub_kind: 0 all, else a category the team serves), 2 posts (0, or
-- the host kind), 3 practice units (0, or the kind), 4 registered volunteers (by residence; 0),
-- 5 villages (0), 6 villages with a station (0), 7 registered volunteers with stars (the star
-- level, 1 to 5; see volunteer_stars). Deleted rows do not count.
CREATE TABLE directory_deltas (
  metric      smallint NOT NULL,
  region_code text COLLATE "C" NOT NULL,
  sub_kind    smallint NOT NULL,
  n           integer NOT NULL
);

CREATE TABLE directory_counts (
  metric      smallint NOT NULL,
  depth       smallint NOT NULL,
  region_code text COLLATE "C" NOT NULL,
  sub_kind    smallint NOT NULL,
  n           bigint NOT NULL,
  PRIMARY KEY (metric, depth, region_code, sub_kind)
);

-- A credited record (state 2) counts, under its event's region, team, program, category and post.
-- Statement triggers with transition tables: one INSERT of deltas per statement, however many
-- records it wrote (zhiyuand writes a batch of records in one statement).
CREATE FUNCTION stats_service_records_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO activity_deltas (volunteer_number, region_code, team_id, program_id, category,
                               post_id, day, attendance_records, attendance_minutes,
                               manual_records, manual_minutes)
  SELECT r.volunteer_number, e.region_code, e.organizer_team_id, coalesce(e.program_id, 0),
         e.category, coalesce(e.post_id, 0), (r.check_in AT TIME ZONE 'Asia/Shanghai')::date,
         (r.hour_class = 1)::integer, (r.hour_class = 1)::integer * r.credited_minutes,
         (r.hour_class = 2)::integer, (r.hour_class = 2)::integer * r.credited_minutes
  FROM inserted r
  JOIN events e ON e.id = r.event_id
  WHERE r.state = 2;
  RETURN NULL;
END $$;

-- An update takes away what the old row counted and adds what the new one counts, for the rows
-- where what counts changed.
CREATE FUNCTION stats_service_records_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO activity_deltas (volunteer_number, region_code, team_id, program_id, category,
                               post_id, day, attendance_records, attendance_minutes,
                               manual_records, manual_minutes)
  SELECT r.volunteer_number, e.region_code, e.organizer_team_id, coalesce(e.program_id, 0),
         e.category, coalesce(e.post_id, 0), (r.check_in AT TIME ZONE 'Asia/Shanghai')::date,
         r.sign * (r.hour_class = 1)::integer,
         r.sign * (r.hour_class = 1)::integer * r.credited_minutes,
         r.sign * (r.hour_class = 2)::integer,
         r.sign * (r.hour_class = 2)::integer * r.credited_minutes
  FROM (SELECT s.sign, CASE s.sign WHEN -1 THEN o.volunteer_number ELSE n.volunteer_number END
                 AS volunteer_number,
               CASE s.sign WHEN -1 THEN o.event_id ELSE n.event_id END AS event_id,
               CASE s.sign WHEN -1 THEN o.check_in ELSE n.check_in END AS check_in,
               CASE s.sign WHEN -1 THEN o.hour_class ELSE n.hour_class END AS hour_class,
               CASE s.sign WHEN -1 THEN o.credited_minutes ELSE n.credited_minutes END
                 AS credited_minutes
        FROM old_rows o
        JOIN new_rows n ON n.volunteer_number = o.volunteer_number AND n.id = o.id
        CROSS JOIN (VALUES (-1), (1)) AS s(sign)
        WHERE (o.state, o.credited_minutes, o.check_in, o.event_id, o.hour_class)
                IS DISTINCT FROM
              (n.state, n.credited_minutes, n.check_in, n.event_id, n.hour_class)
          AND CASE s.sign WHEN -1 THEN o.state ELSE n.state END = 2) r
  JOIN events e ON e.id = r.event_id;
  RETURN NULL;
END $$;

CREATE TRIGGER service_records_stats_insert AFTER INSERT ON service_records
  REFERENCING NEW TABLE AS inserted
  FOR EACH STATEMENT EXECUTE FUNCTION stats_service_records_inserted();
CREATE TRIGGER service_records_stats_update AFTER UPDATE ON service_records
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION stats_service_records_updated();

-- An event counts while it is neither cancelled (status 4) nor deleted. When its program,
-- category or post changes, its credited records move with it.
CREATE FUNCTION stats_event_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  e events;
  sign integer;
BEGIN
  FOR sign IN -1..1 BY 2 LOOP
    IF sign < 0 THEN
      CONTINUE WHEN TG_OP = 'INSERT';
      e := OLD;
    ELSE
      e := NEW;
    END IF;
    IF e.status <> 4 AND e.delete_time IS NULL THEN
      INSERT INTO activity_deltas (volunteer_number, region_code, team_id, program_id, category,
                                   post_id, day, events, headcount, headcount_events, audience,
                                   audience_events)
      VALUES ('', e.region_code, e.organizer_team_id, coalesce(e.program_id, 0), e.category,
              coalesce(e.post_id, 0), (e.start_time AT TIME ZONE 'Asia/Shanghai')::date, sign,
              sign * coalesce(e.headcount, 0), sign * (e.headcount IS NOT NULL)::integer,
              sign * coalesce(e.audience, 0), sign * (e.audience IS NOT NULL)::integer);
    END IF;
    IF TG_OP = 'UPDATE' AND
       (OLD.program_id, OLD.category, OLD.post_id, OLD.region_code, OLD.organizer_team_id)
         IS DISTINCT FROM
       (NEW.program_id, NEW.category, NEW.post_id, NEW.region_code, NEW.organizer_team_id) THEN
      INSERT INTO activity_deltas (volunteer_number, region_code, team_id, program_id, category,
                                   post_id, day, attendance_records, attendance_minutes,
                                   manual_records, manual_minutes)
      SELECT r.volunteer_number, e.region_code, e.organizer_team_id, coalesce(e.program_id, 0),
             e.category, coalesce(e.post_id, 0), (r.check_in AT TIME ZONE 'Asia/Shanghai')::date,
             sign * (r.hour_class = 1)::integer,
             sign * (r.hour_class = 1)::integer * r.credited_minutes,
             sign * (r.hour_class = 2)::integer,
             sign * (r.hour_class = 2)::integer * r.credited_minutes
      FROM service_records r
      WHERE r.event_id = e.id AND r.state = 2;
    END IF;
  END LOOP;
  RETURN NULL;
END $$;

CREATE TRIGGER events_stats AFTER INSERT OR UPDATE ON events
  FOR EACH ROW EXECUTE FUNCTION stats_event_changed();

-- The (region, sub_kind) keys a directory row counts under.
CREATE FUNCTION stats_directory_keys(metric smallint, r jsonb)
RETURNS TABLE (region_code text, sub_kind smallint) LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE metric WHEN 1 THEN r->>'home_region_code'
                     WHEN 4 THEN r->>'residence_region_code'
                     ELSE r->>'region_code' END COLLATE "C",
         k.sub_kind
  FROM (SELECT 0::smallint
        UNION ALL
        SELECT CASE metric WHEN 2 THEN (r->>'host_kind')::smallint
                           WHEN 3 THEN (r->>'kind')::smallint END
        WHERE metric IN (2, 3)
        UNION ALL
        SELECT c::smallint FROM jsonb_array_elements_text(r->'categories') AS c
        WHERE metric = 1) AS k(sub_kind)
$$;

-- Directory rows: what one row adds (sign 1) or takes away (-1) from the counts.
CREATE FUNCTION stats_directory_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  m smallint := TG_ARGV[0]::smallint;
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.delete_time IS NULL THEN
    INSERT INTO directory_deltas (metric, region_code, sub_kind, n)
    SELECT m, d.region_code, d.sub_kind, -1 FROM stats_directory_keys(m, to_jsonb(OLD)) d;
  END IF;
  IF NEW.delete_time IS NULL THEN
    INSERT INTO directory_deltas (metric, region_code, sub_kind, n)
    SELECT m, d.region_code, d.sub_kind, 1 FROM stats_directory_keys(m, to_jsonb(NEW)) d;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER teams_stats AFTER INSERT OR UPDATE OF home_region_code, categories, delete_time
  ON teams FOR EACH ROW EXECUTE FUNCTION stats_directory_changed(1);
CREATE TRIGGER posts_stats AFTER INSERT OR UPDATE OF region_code, host_kind, delete_time
  ON posts FOR EACH ROW EXECUTE FUNCTION stats_directory_changed(2);
CREATE TRIGGER practice_units_stats AFTER INSERT OR UPDATE OF region_code, kind, delete_time
  ON practice_units FOR EACH ROW EXECUTE FUNCTION stats_directory_changed(3);
CREATE TRIGGER volunteers_stats AFTER INSERT OR UPDATE OF residence_region_code, delete_time
  ON volunteers FOR EACH ROW EXECUTE FUNCTION stats_directory_changed(4);

-- Star levels. A volunteer's level, 0 to 5, follows from their lifetime credited minutes: 100,
-- 300, 600, 1,000 and 1,500 hours give 1 to 5 stars (as kStarHours in
-- services/service_record_service.cc, which GetServiceTotals reports).
CREATE FUNCTION stats_star_level(minutes bigint) RETURNS smallint LANGUAGE sql IMMUTABLE AS $$
  SELECT (CASE WHEN minutes >= 90000 THEN 5 WHEN minutes >= 60000 THEN 4
               WHEN minutes >= 36000 THEN 3 WHEN minutes >= 18000 THEN 2
               WHEN minutes >= 6000 THEN 1 ELSE 0 END)::smallint
$$;

-- The volunteers with stars as directory_counts (metric 7) holds them: each one's residence and
-- level when the compactor last looked. The compactor looks again at every volunteer whose
-- credited records changed (their activity_deltas) or whose residence or registration did
-- (volunteer_changes), and moves the counts by the difference.
CREATE TABLE volunteer_stars (
  volunteer_number text COLLATE "C" PRIMARY KEY,
  region_code      text COLLATE "C" NOT NULL,
  star             smallint NOT NULL CHECK (star BETWEEN 1 AND 5)
);

CREATE TABLE volunteer_changes (
  volunteer_number text COLLATE "C" NOT NULL
);

CREATE FUNCTION stats_volunteer_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO volunteer_changes (volunteer_number) VALUES (NEW.volunteer_number);
  RETURN NULL;
END $$;

CREATE TRIGGER volunteers_stars AFTER UPDATE OF residence_region_code, delete_time ON volunteers
  FOR EACH ROW
  WHEN (OLD.residence_region_code IS DISTINCT FROM NEW.residence_region_code
        OR OLD.delete_time IS DISTINCT FROM NEW.delete_time)
  EXECUTE FUNCTION stats_volunteer_changed();

-- Villages, for station coverage. Regions are only ever inserted, in bulk.
CREATE FUNCTION stats_regions_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO directory_deltas (metric, region_code, sub_kind, n)
  SELECT 5, code, 0, 1 FROM inserted WHERE length(code) = 12;
  RETURN NULL;
END $$;

CREATE TRIGGER regions_stats AFTER INSERT ON regions
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION stats_regions_inserted();

-- What is already stored: as deltas for the compactor to fold (those of records summed, under
-- no volunteer), and the distinct volunteers counted at once.
INSERT INTO directory_deltas (metric, region_code, sub_kind, n)
SELECT 5, code, 0, 1 FROM regions WHERE length(code) = 12;
INSERT INTO directory_deltas (metric, region_code, sub_kind, n)
SELECT 1, d.region_code, d.sub_kind, 1 FROM teams t, stats_directory_keys(1::smallint, to_jsonb(t)) d
WHERE t.delete_time IS NULL;
INSERT INTO directory_deltas (metric, region_code, sub_kind, n)
SELECT 2, d.region_code, d.sub_kind, 1 FROM posts p, stats_directory_keys(2::smallint, to_jsonb(p)) d
WHERE p.delete_time IS NULL;
INSERT INTO directory_deltas (metric, region_code, sub_kind, n)
SELECT 3, d.region_code, d.sub_kind, 1
FROM practice_units u, stats_directory_keys(3::smallint, to_jsonb(u)) d
WHERE u.delete_time IS NULL;
INSERT INTO directory_deltas (metric, region_code, sub_kind, n)
SELECT 4, residence_region_code, 0, 1 FROM volunteers WHERE delete_time IS NULL;
INSERT INTO activity_deltas (volunteer_number, region_code, team_id, program_id, category,
                             post_id, day, events, headcount, headcount_events, audience,
                             audience_events)
SELECT '', region_code, organizer_team_id, coalesce(program_id, 0), category,
       coalesce(post_id, 0), (start_time AT TIME ZONE 'Asia/Shanghai')::date, 1,
       coalesce(headcount, 0), (headcount IS NOT NULL)::integer, coalesce(audience, 0),
       (audience IS NOT NULL)::integer
FROM events
WHERE status <> 4 AND delete_time IS NULL;
INSERT INTO activity_deltas (volunteer_number, region_code, team_id, program_id, category,
                             post_id, day, attendance_records, attendance_minutes,
                             manual_records, manual_minutes)
SELECT '', e.region_code, e.organizer_team_id, coalesce(e.program_id, 0), e.category,
       coalesce(e.post_id, 0), (r.check_in AT TIME ZONE 'Asia/Shanghai')::date,
       count(*) FILTER (WHERE r.hour_class = 1),
       coalesce(sum(r.credited_minutes) FILTER (WHERE r.hour_class = 1), 0),
       count(*) FILTER (WHERE r.hour_class = 2),
       coalesce(sum(r.credited_minutes) FILTER (WHERE r.hour_class = 2), 0)
FROM service_records r
JOIN events e ON e.id = r.event_id
WHERE r.state = 2
GROUP BY 1, 2, 3, 4, 5, 6, 7;
INSERT INTO active_counts (dim_kind, period_kind, depth, region_code, period, dim_value, people)
SELECT k.kind, p.kind, depth.d, left(e.region_code, (ARRAY[2, 4, 6, 9, 12])[depth.d]),
       date_trunc(p.unit, (r.check_in AT TIME ZONE 'Asia/Shanghai')::date)::date, k.value,
       count(DISTINCT r.volunteer_number)
FROM service_records r
JOIN events e ON e.id = r.event_id
CROSS JOIN generate_series(1, 5) AS depth(d)
CROSS JOIN (VALUES (3, 'month'), (4, 'quarter'), (5, 'year')) AS p(kind, unit)
CROSS JOIN LATERAL (VALUES (0, 0::bigint), (1, coalesce(e.program_id, 0))) AS k(kind, value)
WHERE r.state = 2
GROUP BY 1, 2, 3, 4, 5, 6;
INSERT INTO volunteer_stars (volunteer_number, region_code, star)
SELECT v.volunteer_number, v.residence_region_code, stats_star_level(l.minutes)
FROM (SELECT volunteer_number, sum(credited_minutes) AS minutes FROM service_records
      WHERE state = 2 GROUP BY volunteer_number HAVING sum(credited_minutes) >= 6000) l
JOIN volunteers v ON v.volunteer_number = l.volunteer_number
WHERE v.delete_time IS NULL;
INSERT INTO directory_deltas (metric, region_code, sub_kind, n)
SELECT 7, region_code, star, count(*) FROM volunteer_stars GROUP BY region_code, star;
