-- Volunteer events (志愿服务活动): a session an organising team holds in a region, optionally of
-- a program and at a post or practice unit, with its schedule, capacity, category and status
-- (zhiyuan.v1.EventStatus), and the figures a report gives, kept apart with their qualifier
-- (zhiyuan.v1.FigureQualifier). Deleting marks delete_time. A Citus reference table (millions of
-- rows a year nationally, written far less often than service records), so that service
-- records, distributed by volunteer, can refer to events with a foreign key and join them on
-- every node.
CREATE TABLE events (
  id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  title               text NOT NULL CHECK (length(title) BETWEEN 1 AND 100),
  organizer_team_id   bigint NOT NULL REFERENCES teams (id),
  region_code         text COLLATE "C" NOT NULL REFERENCES regions (code),
  program_id          bigint REFERENCES programs (id),
  post_id             bigint REFERENCES posts (id),
  practice_unit_id    bigint REFERENCES practice_units (id),
  location            text NOT NULL DEFAULT '' CHECK (length(location) <= 200),
  latitude            double precision CHECK (latitude BETWEEN -90 AND 90),
  longitude           double precision CHECK (longitude BETWEEN -180 AND 180),
  start_time          timestamptz NOT NULL,
  end_time            timestamptz NOT NULL,
  capacity            integer NOT NULL DEFAULT 0 CHECK (capacity BETWEEN 0 AND 100000),
  category            smallint NOT NULL CHECK (category BETWEEN 1 AND 10),
  status              smallint NOT NULL CHECK (status BETWEEN 1 AND 4),
  headcount           bigint CHECK (headcount BETWEEN 0 AND 100000000),
  headcount_qualifier smallint CHECK (headcount_qualifier BETWEEN 1 AND 3),
  audience            bigint CHECK (audience BETWEEN 0 AND 100000000),
  audience_qualifier  smallint CHECK (audience_qualifier BETWEEN 1 AND 3),
  create_request_id   uuid UNIQUE,
  revision            bigint NOT NULL DEFAULT 1,
  create_time         timestamptz NOT NULL DEFAULT now(),
  update_time         timestamptz NOT NULL DEFAULT now(),
  delete_time         timestamptz,
  CHECK (end_time > start_time),
  CHECK ((latitude IS NULL) = (longitude IS NULL)),
  CHECK (post_id IS NULL OR practice_unit_id IS NULL),
  CHECK ((headcount IS NULL) = (headcount_qualifier IS NULL)),
  CHECK ((audience IS NULL) = (audience_qualifier IS NULL))
);

-- Events in a region's subtree (a code prefix), in id order.
CREATE INDEX events_region ON events (region_code, id);
-- A team's, a program's, a post's and a unit's events.
CREATE INDEX events_organizer ON events (organizer_team_id, id);
CREATE INDEX events_program ON events (program_id, id);
CREATE INDEX events_post ON events (post_id, id);
CREATE INDEX events_practice_unit ON events (practice_unit_id, id);
-- Events by scheduled start, for time windows.
CREATE INDEX events_start ON events (start_time);
