-- 学雷锋 service posts: fixed places hosted by an organisation, in a region, optionally with a
-- location (WGS 84), opening hours and a duty team. Deleting marks delete_time. A Citus reference
-- table (posts number in the hundreds per city), referencing regions and teams.
CREATE TABLE posts (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  display_name      text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 100),
  host_organization text NOT NULL CHECK (length(host_organization) BETWEEN 1 AND 100),
  host_kind         smallint NOT NULL CHECK (host_kind BETWEEN 1 AND 10),
  region_code       text COLLATE "C" NOT NULL REFERENCES regions (code),
  address           text NOT NULL DEFAULT '' CHECK (length(address) <= 200),
  latitude          double precision CHECK (latitude BETWEEN -90 AND 90),
  longitude         double precision CHECK (longitude BETWEEN -180 AND 180),
  opening_hours     text NOT NULL DEFAULT '' CHECK (length(opening_hours) <= 100),
  duty_team_id      bigint REFERENCES teams (id),
  status            smallint NOT NULL CHECK (status BETWEEN 1 AND 2),
  create_request_id uuid UNIQUE,
  revision          bigint NOT NULL DEFAULT 1,
  create_time       timestamptz NOT NULL DEFAULT now(),
  update_time       timestamptz NOT NULL DEFAULT now(),
  delete_time       timestamptz,
  CHECK ((latitude IS NULL) = (longitude IS NULL))
);

-- Posts in a region's subtree (a code prefix), in id order.
CREATE INDEX posts_region ON posts (region_code, id);
-- Posts a team is on duty at.
CREATE INDEX posts_duty_team ON posts (duty_team_id, id);
