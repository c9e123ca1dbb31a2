-- Volunteer teams: a tree (总队 › 分队 › 小队), each with a home region (within its parent's),
-- optionally a practice unit, categories (zhiyuan.v1.ServiceCategory numbers), a leader and a
-- status. Deleting marks delete_time; rows stay so that past events keep counting. A Citus
-- reference table like regions and practice_units, which it references; the leader refers to a
-- distributed table (volunteers), so that reference is checked by zhiyuand, not by a foreign key.
CREATE TABLE teams (
  id                      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  parent_id               bigint REFERENCES teams (id),
  home_region_code        text COLLATE "C" NOT NULL REFERENCES regions (code),
  practice_unit_id        bigint REFERENCES practice_units (id),
  display_name            text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 100),
  categories              smallint[] NOT NULL DEFAULT '{}',
  leader_volunteer_number text COLLATE "C",
  status                  smallint NOT NULL CHECK (status BETWEEN 1 AND 2),
  create_request_id       uuid UNIQUE,
  revision                bigint NOT NULL DEFAULT 1,
  create_time             timestamptz NOT NULL DEFAULT now(),
  update_time             timestamptz NOT NULL DEFAULT now(),
  delete_time             timestamptz
);

-- Teams whose home region is in a region's subtree (a code prefix), in id order.
CREATE INDEX teams_home_region ON teams (home_region_code, id);
-- Teams under a team.
CREATE INDEX teams_parent ON teams (parent_id, id);
